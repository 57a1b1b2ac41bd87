"""The data lake on the CLI's side: the local Parquet lake (DuckDB), ``inlet query`` on DuckDB or Athena, backfill."""
