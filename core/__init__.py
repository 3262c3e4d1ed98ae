"""Plain-Python helpers below every app (mous <- sro_program <- interactions <- reports): rules
that all of them apply, such as the Ed Code 234.7 free-text guard. Not a Django app."""
