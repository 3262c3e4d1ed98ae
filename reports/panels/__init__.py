"""Dashboard panels. Each module here registers providers with `reports.dashboard.panel`;
every module in this package is imported by the dashboard, so a new panel is a new file."""
