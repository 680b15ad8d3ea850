"""Operations: the scheduler process, its jobs, child processes, retention."""
