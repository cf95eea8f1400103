"""Policy simulator: replays a scenario's day under dispatch policies and scores them with KPIs."""
