from .urls_records import urlpatterns as record_patterns
from .urls_ui import urlpatterns as ui_patterns

app_name = "interactions"

# Interaction pages (urls_ui) and record access / disclosure log pages (urls_records).
urlpatterns = ui_patterns + record_patterns
