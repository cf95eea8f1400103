"""Pictures of plans and policy comparisons with matplotlib (Agg backend, files only)."""

from dispatchopt.plotting.charts import plot_gantt, plot_kpis, plot_routes, plot_sweep

__all__ = ["plot_gantt", "plot_kpis", "plot_routes", "plot_sweep"]
