"""The seminar: a browser app on Mesa's SolaraViz for teaching structural explanations."""
