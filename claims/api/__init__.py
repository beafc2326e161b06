"""The REST API under ``/api/v1/``: the same workflow and editing functions as the UI.

``permissions`` decides who may call what, ``serializers`` parse input and shape output,
``views`` look objects up and call :mod:`claims.workflow` / :mod:`claims.editing`, and
``errors`` turns every refusal into one JSON shape.
"""
