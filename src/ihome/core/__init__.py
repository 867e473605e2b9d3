"""Cross-cutting pieces every domain uses: the database base, errors, tasks, security."""
