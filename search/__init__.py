"""The document model, the backend contract, the SQLite and Elasticsearch backends, trends."""
