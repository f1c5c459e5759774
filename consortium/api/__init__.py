"""The JSON API under /api/v1/ (flask-smorest, OpenAPI 3.1 from the code), its personal access
tokens and their pages."""

from __future__ import annotations

from flask import Flask

from consortium.api.pages import bp


def register(app: Flask) -> None:
    """The API under /api/v1/ (answered in problem+json, never with the session), its
    OpenAPI document at /api/v1/openapi.json, the token pages on the profile and the
    documentation page at /api/docs."""
    from consortium import errors, web
    from consortium.api import (
        agreements,
        backlog,
        core,
        fees,
        groups,
        invoices,
        meetings,
        organisations,
        participation,
        products,
        suppliers,
    )

    app.config.setdefault("API_TITLE", "Consortium API")
    app.config.setdefault("API_VERSION", "1")
    app.config.setdefault("OPENAPI_VERSION", "3.1.0")
    app.config.setdefault("OPENAPI_URL_PREFIX", core.PREFIX)
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault(
        "API_SPEC_OPTIONS",
        {
            "info": {
                "description": "The back office's records for the systems around the "
                "association. Authenticate with a personal access token: "
                "`Authorization: Bearer <token>`.",
            },
            "components": {
                "securitySchemes": {
                    "token": {
                        "type": "http",
                        "scheme": "bearer",
                        "description": "A personal access token, made on one's profile.",
                    }
                }
            },
            "security": [{"token": []}, {}],
        },
    )
    app.register_blueprint(bp)
    web.without_session(core.PREFIX + "/")
    errors.answer_errors_with(core.is_api_request, core.problem_response)
    api = core.ConsortiumApi(app)
    app.extensions["consortium_api"] = api
    from consortium.api.schemas import DecimalText, Money

    api.register_field(DecimalText, "string", "decimal")
    api.register_field(Money, "string", "decimal")
    for blueprint in (
        organisations.bp,
        organisations.public_bp,
        products.bp,
        fees.bp,
        invoices.bp,
        participation.bp,
        groups.bp,
        suppliers.bp,
        agreements.bp,
        meetings.bp,
        backlog.bp,
    ):
        api.register_blueprint(blueprint)
