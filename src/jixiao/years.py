"""What a report year can be: four digits, as every content file and command takes it."""

FIRST_YEAR = 1000
LAST_YEAR = 9999
