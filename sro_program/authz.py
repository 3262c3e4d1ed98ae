"""The authorization core as the apps above mous use it: one import for views and services."""

from authz.core import (  # noqa: F401
    DISTRICT_WIDE,
    NEVER_LISTED,
    CustomScope,
    SchoolScope,
    get_for_action,
    may,
    require,
    restrict,
    scoped,
)

from .scoping import VIEW_ALL_SCHOOLS, require_perm, school_ids_for, sees_all_schools  # noqa: F401
