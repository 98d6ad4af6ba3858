"""Pure figure builders: DataFrame → plotly Figure. Fonts, colours and export settings live in base."""

from lib.charts.base import SOURCE_LINE, color_of, colors_for, download_config, loading_figure, style

__all__ = ["SOURCE_LINE", "color_of", "colors_for", "download_config", "loading_figure", "style"]
