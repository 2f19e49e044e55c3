"""揭榜挂帅 open-competition calls: posting and review of calls, applications (alone or as a consortium),
expert review with conflict-of-interest recusal and calibration, decision, publicity and award."""
