"""Admin for students, enrollment, record-access requests and the disclosure log."""
