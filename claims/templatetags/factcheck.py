from django import template

from ..markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str):
    """``{{ claim.explanation|markdown }}``: sanitised HTML from markdown."""
    return render_markdown(text)
