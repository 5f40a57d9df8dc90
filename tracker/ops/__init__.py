"""Operations: backups, health checks, the scheduler process, the demo data and the benchmark
seed."""
