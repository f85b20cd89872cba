"""The chapters' longer studies: run from the command line, written to files with their provenance."""
