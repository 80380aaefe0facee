"""guidebuilder: Markdown guides to gettext catalogs to PDF and HTML."""
__version__ = "0.1.0"
