"""The member directory: professionals and structures, as each member chose to be seen."""
