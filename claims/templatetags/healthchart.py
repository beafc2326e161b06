"""``{% load healthchart %}{% health_chart source %}``: a source's recent checks as SVG."""

from django import template

from .. import healthchart

register = template.Library()


@register.simple_tag
def health_chart(source):
    """The chart of ``source.recent_checks`` (``Source.objects.with_health()``)."""
    return healthchart.render_svg(
        source.recent_checks,
        title=f"Recent link checks of “{source.title}”",
        id_prefix=f"source-{source.pk}-chart",
    )
