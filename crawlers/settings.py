"""Scrapy settings for every source; grouped, each with Scrapy's default and why it changed."""

BOT_NAME = "observatorio"
SPIDER_MODULES = ["crawlers.spiders"]

# -- Politeness --------------------------------------------------------------------------
# Default "Scrapy/VERSION (+https://scrapy.org)": publishers should see who crawls them.
USER_AGENT = "ObservatorioTIC/0.1 (+https://github.com/observatorio-tic/observatorio)"
# Default False in Scrapy itself (True in the project template): we always obey robots.txt.
ROBOTSTXT_OBEY = True
# Default 8: public bodies run small servers.
CONCURRENT_REQUESTS_PER_DOMAIN = 2
# Default False: adapt the delay to how fast each server answers.
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

# -- Robustness --------------------------------------------------------------------------
# Default 180 s: a source that does not answer in 30 s is failing for this run.
DOWNLOAD_TIMEOUT = 30
# Default 1 GiB / warn at 32 MiB: a notice page or feed beyond 20 MiB is a mistake.
DOWNLOAD_MAXSIZE = 20 * 1024 * 1024
DOWNLOAD_WARNSIZE = 5 * 1024 * 1024
# Default 2 retries; 429 added to the default codes.
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]

# -- Output ------------------------------------------------------------------------------
ITEM_PIPELINES = {
    "crawlers.pipelines.NormalisePipeline": 100,
    "crawlers.pipelines.IndexPipeline": 300,
}
# Documents are enriched (NLP, embeddings) and indexed in batches of this size.
INDEX_BATCH_SIZE = 64

# -- Runtime -----------------------------------------------------------------------------
# Default INFO: the run prints its own per-source report; Scrapy's log goes to stderr.
LOG_LEVEL = "WARNING"
TELNETCONSOLE_ENABLED = False
