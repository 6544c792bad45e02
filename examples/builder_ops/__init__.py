"""A small, realistic ops package: stop idle AppStream image builders every night."""
