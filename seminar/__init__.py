"""The seminar: a browser app on Mesa and Solara for teaching structural explanations."""
