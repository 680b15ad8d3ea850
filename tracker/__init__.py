"""yuqing: the system of record (models, ingest, ledger, deadlines, metrics, jobs, CLI)."""
