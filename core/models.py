"""The base of every configuration schema: unknown keys are errors, loaded values are frozen."""

from pydantic import BaseModel, ConfigDict


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
