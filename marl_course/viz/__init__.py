"""Plots and ipywidgets explorers."""
