"""Every URL the app registers, visited as anonymous, plain users, contacts of other records,
a contact of the organisation the URL names and the secretariat: each gets the answer named."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from consortium.extensions import db
from tests.conftest import copy_database, login, make_app, make_user, rolled_back

# Who visits. "contact", "supplier contact" and "group member" have their own organisation,
# supplier or group, never the one the URL names; "own contact" is a contact of the
# organisation the URLs name.
ROLES = (
    "anonymous",
    "user",
    "contact",
    "supplier contact",
    "group member",
    "own contact",
    "secretariat",
)

# The answers: the page (200), a redirect elsewhere (302), a redirect to the sign-in page
# (302 to /sign-in?next=…), not allowed (403), a link that no longer works (410).
OK, REDIRECT, SIGN_IN, FORBIDDEN, GONE = 200, "redirect", "sign-in", 403, 410


def everyone(answer=OK) -> dict[str, object]:
    return dict.fromkeys(ROLES, answer)


def signed_in(answer=OK) -> dict[str, object]:
    """Any signed-in user; the anonymous visitor is asked to sign in."""
    return everyone(answer) | {"anonymous": SIGN_IN}


def secretariat(answer=OK) -> dict[str, object]:
    """The secretariat's pages: everyone else signed in is refused."""
    return everyone(FORBIDDEN) | {"anonymous": SIGN_IN, "secretariat": answer}


def own_contact(answer=OK) -> dict[str, object]:
    """An organisation's pages for its contacts (and the secretariat), no one else's."""
    return secretariat(answer) | {"own contact": answer}


# The JSON API (api/): each visitor calls with a token of their own that has every scope; a
# caller without one is asked for one (401), never sent to the sign-in page.
NO_TOKEN = 401


def by_token(answers: dict[str, object]) -> dict[str, object]:
    return {role: NO_TOKEN if answer == SIGN_IN else answer for role, answer in answers.items()}


# endpoint -> (method, url, {role: answer}). A new route must be declared here, with the
# answer each visitor should get.
ROUTES = {
    "main.home": ("GET", "/", everyone()),
    "main.language": ("POST", "/language", everyone(REDIRECT)),
    "main.health": ("GET", "/health", everyone()),
    "static": ("GET", "/static/css/app.css", everyone()),
    "auth.login": ("GET", "/sign-in", everyone(REDIRECT) | {"anonymous": OK}),
    "auth.logout": ("POST", "/sign-out", everyone(REDIRECT)),
    "auth.sign_out_everywhere": ("POST", "/profile/sign-out-everywhere", signed_in(REDIRECT)),
    "auth.forgot_password": ("GET", "/forgot-password", everyone()),
    "auth.reset_password": ("GET", "/reset-password/unknown-token", everyone(GONE)),
    "auth.set_password": ("GET", "/invitation/unknown-token", everyone(GONE)),
    "auth.profile": ("GET", "/profile", signed_in()),
    "auth.change_password": ("GET", "/profile/password", signed_in()),
    "auth.users": ("GET", "/users", secretariat()),
    "auth.invite": ("GET", "/users/invite", secretariat()),
    "auth.user_detail": ("GET", "/users/{other}", secretariat()),
    "auth.deactivate": ("POST", "/users/{other}/deactivate", secretariat(REDIRECT)),
    "auth.reactivate": ("POST", "/users/{other}/reactivate", secretariat(REDIRECT)),
    "auth.resend_invitation": ("POST", "/users/{other}/resend-invitation", secretariat(REDIRECT)),
    "settings.edit": ("GET", "/settings/", secretariat()),
    "members.tiers": ("GET", "/settings/tiers", secretariat()),
    "settings.invoicing": ("GET", "/settings/invoicing", secretariat()),
    "settings.meetings": ("GET", "/settings/meetings", secretariat()),
    "audit.index": ("GET", "/audit/", secretariat()),
    "audit.record": ("GET", "/audit/user/{other}", secretariat()),
    "mail.index": ("GET", "/outbox/", secretariat()),
    "mail.message": ("GET", "/outbox/{message}", secretariat()),
    "mail.retry": ("POST", "/outbox/{message}/retry", secretariat(REDIRECT)),
    "members.index": ("GET", "/organisations/", signed_in()),
    "members.create": ("GET", "/organisations/new", secretariat()),
    "members.detail": ("GET", "/organisations/{organisation}", own_contact()),
    "members.edit": ("GET", "/organisations/{organisation}/edit", own_contact()),
    "members.population": ("GET", "/organisations/{organisation}/population", secretariat()),
    "members.membership": ("GET", "/organisations/{organisation}/membership", secretariat()),
    "members.billing_identity": ("GET", "/organisations/{organisation}/billing/new", own_contact()),
    "members.add_contact": ("GET", "/organisations/{organisation}/contacts/new", secretariat()),
    # The organisation's contacts are managed by its primary contact; "own contact" is another.
    "members.contact": (
        "GET",
        "/organisations/{organisation}/contacts/{organisation_contact}",
        secretariat(),
    ),
    "members.remove_contact": (
        "POST",
        "/organisations/{organisation}/contacts/{organisation_contact}/remove",
        secretariat(REDIRECT),
    ),
    "members.make_primary": (
        "GET",
        "/organisations/{organisation}/contacts/{organisation_contact}/primary",
        secretariat(),
    ),
    "members.export": ("GET", "/organisations/export.csv", secretariat()),
    "members.export_selection": ("POST", "/organisations/selection/export", secretariat(REDIRECT)),
    "members.write_to_selection": ("POST", "/organisations/selection/write", secretariat(REDIRECT)),
    "members.bulk_membership": ("GET", "/organisations/selection/membership", secretariat()),
    "members.import_upload": ("GET", "/organisations/import", secretariat()),
    "members.import_confirm": ("POST", "/organisations/import/{pending}", secretariat(REDIRECT)),
    "privacy.index": ("GET", "/privacy/", everyone()),
    "public.products": ("GET", "/public/products", everyone()),
    "public.product": ("GET", "/public/products/public-route-product", everyone()),
    "public.members": ("GET", "/public/members", everyone()),
    "public.suppliers": ("GET", "/public/suppliers", everyone()),
    "public.publiccode_yml": (
        "GET",
        "/public/products/public-route-product/publiccode.yml",
        everyone(),
    ),
    "suppliers.register": ("GET", "/suppliers/register", everyone()),
    "suppliers.thanks": ("GET", "/suppliers/register/thanks", everyone()),
    "suppliers.code_of_conduct": ("GET", "/suppliers/code-of-conduct", everyone()),
    "suppliers.index": ("GET", "/suppliers/", secretariat()),
    "suppliers.expiring": ("GET", "/suppliers/agreements/expiring", secretariat()),
    "suppliers.mine": ("GET", "/suppliers/mine", signed_in() | {"supplier contact": REDIRECT}),
    "suppliers.detail": ("GET", "/suppliers/{supplier}", secretariat()),
    "suppliers.edit": ("GET", "/suppliers/{supplier}/edit", secretariat()),
    "suppliers.approve": ("POST", "/suppliers/{supplier}/approve", secretariat(REDIRECT)),
    "suppliers.approve_confirm": ("GET", "/suppliers/{supplier}/approve/confirm", secretariat()),
    "suppliers.reject": ("POST", "/suppliers/{supplier}/reject", secretariat()),
    "suppliers.reject_confirm": ("GET", "/suppliers/{supplier}/reject/confirm", secretariat()),
    "suppliers.agreement": ("GET", "/suppliers/{supplier}/agreements/new", secretariat(REDIRECT)),
    "groups.index": ("GET", "/groups/", secretariat()),
    "groups.mine": ("GET", "/groups/mine", signed_in()),
    "groups.create": ("GET", "/groups/new", secretariat()),
    "groups.detail": ("GET", "/groups/{group}", secretariat()),
    "groups.edit": ("GET", "/groups/{group}/edit", secretariat()),
    "groups.add_member": ("GET", "/groups/{group}/members/new", secretariat()),
    "groups.end_term": (
        "POST",
        "/groups/{group}/members/{group_member}/end",
        secretariat(REDIRECT),
    ),
    "participation.index": ("GET", "/participation/", secretariat()),
    "participation.create": (
        "GET",
        "/participation/organisations/{organisation}/new",
        secretariat(),
    ),
    "participation.edit": ("GET", "/participation/{participation}/edit", secretariat()),
    "participation.notice": ("GET", "/participation/{participation}/notice", secretariat()),
    "participation.mine": ("GET", "/participation/mine", signed_in()),
    "participation.join": (
        "GET",
        "/participation/organisations/{organisation}/join",
        own_contact(),
    ),
    "participation.leave": ("GET", "/participation/{participation}/leave", own_contact()),
    "participation.requests": ("GET", "/participation/requests", secretariat()),
    "participation.request_detail": (
        "GET",
        "/participation/requests/{participation_request}",
        secretariat(),
    ),
    "participation.approve": (
        "POST",
        "/participation/requests/{participation_request}/approve",
        secretariat(REDIRECT),
    ),
    "participation.decline": (
        "POST",
        "/participation/requests/{participation_request}/decline",
        secretariat(),
    ),
    "participation.approve_confirm": (
        "GET",
        "/participation/requests/{participation_request}/approve/confirm",
        secretariat(),
    ),
    "participation.decline_confirm": (
        "GET",
        "/participation/requests/{participation_request}/decline/confirm",
        secretariat(),
    ),
    "products.index": ("GET", "/products/", signed_in()),
    "products.create": ("GET", "/products/new", secretariat()),
    "products.import_publiccode": ("GET", "/products/import", secretariat()),
    "products.requirements": ("GET", "/products/requirements", signed_in()),
    "products.edit_requirement": ("GET", "/products/requirements/{requirement}", secretariat()),
    "products.detail": ("GET", "/products/public-route-product", signed_in()),
    "products.edit": ("GET", "/products/public-route-product/edit", secretariat()),
    "products.descriptions": ("GET", "/products/public-route-product/descriptions", secretariat()),
    "products.assessment": ("GET", "/products/public-route-product/assessment", signed_in()),
    "products.save_assessment": (
        "POST",
        "/products/public-route-product/assessment",
        secretariat(REDIRECT),
    ),
    "products.level_decision": ("GET", "/products/public-route-product/level", secretariat()),
    "products.publiccode_yml": (
        "GET",
        "/products/public-route-product/publiccode.yml",
        signed_in(),
    ),
    # Fee settings, budgets and the preview (fees/views.py).
    "fees.index": ("GET", "/fees/", secretariat()),
    "fees.schedule_new": ("GET", "/fees/schedules/new", secretariat()),
    "fees.schedule_edit": ("GET", "/fees/schedules/2027", secretariat(REDIRECT)),
    "fees.schedule_copy": ("GET", "/fees/schedules/2027/copy", secretariat(REDIRECT)),
    "fees.product_year": ("GET", "/fees/products/public-route-product/2027", secretariat()),
    "fees.tariff_edit": (
        "GET",
        "/fees/products/public-route-product/2027/tariff",
        secretariat(),
    ),
    "fees.budget_edit": (
        "GET",
        "/fees/products/public-route-product/2027/budget",
        secretariat(),
    ),
    "fees.budget_approve": (
        "POST",
        "/fees/products/public-route-product/2027/budget/approve",
        secretariat(REDIRECT),
    ),
    "fees.budget_to_draft": (
        "POST",
        "/fees/products/public-route-product/2027/budget/draft",
        secretariat(REDIRECT),
    ),
    "fees.budget_freeze": (
        "POST",
        "/fees/products/public-route-product/2027/budget/freeze",
        secretariat(REDIRECT),
    ),
    # No budget for 2027 yet: the secretariat is sent back to the product's year.
    "fees.budget_approve_confirm": (
        "GET",
        "/fees/products/public-route-product/2027/budget/approve/confirm",
        secretariat(REDIRECT),
    ),
    "fees.budget_freeze_confirm": (
        "GET",
        "/fees/products/public-route-product/2027/budget/freeze/confirm",
        secretariat(REDIRECT),
    ),
    "fees.budget_confirm": (
        "POST",
        "/fees/products/public-route-product/2027/budget/confirm",
        secretariat(REDIRECT),
    ),
    "fees.preview": ("GET", "/fees/preview?year=2027", secretariat()),
    "fees.preview_csv": ("GET", "/fees/preview.csv?year=2027", secretariat()),
    "privacy.export": ("GET", "/privacy/users/{other}/export", secretariat()),
    "privacy.anonymise": ("GET", "/privacy/users/{other}/anonymise", secretariat()),
    # Member fee pages (fees/member_views.py): a contact of another organisation gets 403.
    "fees.member_what_if": (
        "GET",
        "/fees/products/public-route-product/what-if?organisation={organisation}",
        own_contact(),
    ),
    "fees.member_what_if_choose": (
        "GET",
        "/fees/what-if?organisation={organisation}",
        own_contact(),
    ),
    "fees.member_expected": (
        "GET",
        "/fees/organisations/{organisation}/expected",
        own_contact(),
    ),
    "fees.member_expected_csv": (
        "GET",
        "/fees/organisations/{organisation}/expected.csv",
        own_contact(),
    ),
    "fees.member_expected_pdf": (
        "GET",
        "/fees/organisations/{organisation}/expected.pdf",
        own_contact(),
    ),
    # Invoices (invoicing/views.py): the organisation's issued invoice, with its stored files.
    "invoicing.index": ("GET", "/invoices/", secretariat()),
    "invoicing.mine": ("GET", "/invoices/mine", signed_in()),
    "invoicing.detail": ("GET", "/invoices/{invoice}", own_contact()),
    "invoicing.download_pdf": ("GET", "/invoices/{invoice}.pdf", own_contact()),
    "invoicing.download_xml": ("GET", "/invoices/{invoice}.xml", own_contact()),
    # The secretariat's invoicing work (invoicing/manage_views.py); the invoice is issued, so
    # every change to it is refused with a message on the page it returns to.
    "invoicing.runs_index": ("GET", "/invoices/runs", secretariat()),
    "invoicing.run_review": ("GET", "/invoices/runs/{run}", secretariat()),
    "invoicing.run_issue": ("POST", "/invoices/runs/{run}/issue", secretariat(REDIRECT)),
    # The run has no drafts, the invoice is issued: nothing to confirm, back with a message.
    "invoicing.run_issue_confirm": (
        "GET",
        "/invoices/runs/{run}/issue/confirm",
        secretariat(REDIRECT),
    ),
    "invoicing.issue_confirm": ("GET", "/invoices/{invoice}/issue/confirm", secretariat(REDIRECT)),
    "invoicing.run_discard": ("POST", "/invoices/runs/{run}/discard", secretariat(REDIRECT)),
    # The run has no issued invoice: the secretariat is sent back to the run with a message.
    "invoicing.run_pdf_zip": ("GET", "/invoices/runs/{run}/pdf.zip", secretariat(REDIRECT)),
    "invoicing.run_ubl_zip": ("GET", "/invoices/runs/{run}/ubl.zip", secretariat(REDIRECT)),
    "invoicing.new": ("GET", "/invoices/new", secretariat()),
    "invoicing.add_line": ("POST", "/invoices/{invoice}/lines", secretariat(REDIRECT)),
    "invoicing.remove_line": (
        "POST",
        "/invoices/{invoice}/lines/{invoice_line}/remove",
        secretariat(REDIRECT),
    ),
    "invoicing.set_aside": ("POST", "/invoices/{invoice}/set-aside", secretariat(REDIRECT)),
    "invoicing.take_back": ("POST", "/invoices/{invoice}/take-back", secretariat(REDIRECT)),
    "invoicing.issue": ("POST", "/invoices/{invoice}/issue", secretariat(REDIRECT)),
    "invoicing.delete": ("POST", "/invoices/{invoice}/delete", secretariat(REDIRECT)),
    # Money received (invoicing/payment_views.py): an empty payment form is shown again with its
    # mistakes; the invoice is not overdue, so a reminder is refused with a message.
    "invoicing.record_payment": ("POST", "/invoices/{invoice}/payments", secretariat(422)),
    "invoicing.send_reminder": ("POST", "/invoices/{invoice}/reminders", secretariat(REDIRECT)),
    "invoicing.overdue": ("GET", "/invoices/overdue", secretariat()),
    # Crediting an issued invoice (invoicing/credit_views.py).
    "invoicing.credit": ("GET", "/invoices/{invoice}/credit", secretariat()),
    "invoicing.reminder_pdf": ("GET", "/invoices/reminders/{reminder}.pdf", own_contact()),
    # Year-end settlements (invoicing/settlement_views.py): the secretariat's pages; a contact
    # reads their organisations' parts on their own page. The settlement is a draft whose
    # budget is not frozen, so issuing it is refused with a message on its page.
    "invoicing.settlements": ("GET", "/invoices/settlements", secretariat()),
    "invoicing.settlement_page": ("GET", "/invoices/settlements/{settlement}", secretariat()),
    "invoicing.settlement_cost": (
        "POST",
        "/invoices/settlements/{settlement}/cost",
        secretariat(400),
    ),
    "invoicing.settlement_issue": (
        "POST",
        "/invoices/settlements/{settlement}/issue",
        secretariat(REDIRECT),
    ),
    "invoicing.settlement_issue_confirm": (
        "GET",
        "/invoices/settlements/{settlement}/issue/confirm",
        secretariat(),
    ),
    "invoicing.settlement_discard": (
        "POST",
        "/invoices/settlements/{settlement}/discard",
        secretariat(REDIRECT),
    ),
    "invoicing.settlements_mine": ("GET", "/invoices/settlements/mine", signed_in()),
    # Agreements (agreements/): a document of the organisation, waiting for acceptance. The
    # "own contact" may not sign, so accepting is refused; the secretariat signs for nobody
    # and is sent back with a message. Nobody can be mailed (the contact neither signs nor is
    # the primary one, the organisation has no address): sending is refused with a message.
    "agreements.index": ("GET", "/agreements/", signed_in()),
    "agreements.detail": ("GET", "/agreements/documents/{agreement_document}", own_contact()),
    "agreements.document_pdf": (
        "GET",
        "/agreements/documents/{agreement_document}.pdf",
        own_contact(),
    ),
    "agreements.scan_pdf": (
        "GET",
        "/agreements/documents/{agreement_document}/scan.pdf",
        own_contact(404),
    ),
    "agreements.accept": (
        "POST",
        "/agreements/documents/{agreement_document}/accept",
        secretariat(REDIRECT),
    ),
    "agreements.record_scan": (
        "POST",
        "/agreements/documents/{agreement_document}/scan",
        secretariat(422),
    ),
    "agreements.send": (
        "POST",
        "/agreements/documents/{agreement_document}/send",
        secretariat(REDIRECT),
    ),
    "agreements.make": ("POST", "/agreements/make", secretariat(REDIRECT)),
    "agreements.templates": ("GET", "/agreements/templates", secretariat()),
    "agreements.version": (
        "GET",
        "/agreements/templates/versions/{agreement_template_version}",
        secretariat(),
    ),
    # Meetings (meetings/views.py): a meeting of the board, whose only member is "other"; no
    # visitor sits in that group, so only the secretariat gets in. The secretariat is no member
    # and so cannot reply (sent back with a message); an empty guest or paper form is shown
    # again with its mistakes.
    "meetings.index": ("GET", "/meetings/", signed_in()),
    "meetings.plan": ("GET", "/meetings/new", secretariat()),
    "meetings.meeting": ("GET", "/meetings/{meeting}", secretariat()),
    "meetings.edit": ("GET", "/meetings/{meeting}/edit", secretariat()),
    "meetings.cancel": ("POST", "/meetings/{meeting}/cancel", secretariat(REDIRECT)),
    "meetings.cancel_confirm": ("GET", "/meetings/{meeting}/cancel/confirm", secretariat()),
    "meetings.invite": ("POST", "/meetings/{meeting}/invite", secretariat(REDIRECT)),
    "meetings.ics": ("GET", "/meetings/{meeting}/invitation.ics", secretariat()),
    "meetings.agenda_pdf": ("GET", "/meetings/{meeting}/agenda.pdf", secretariat()),
    "meetings.reply": ("POST", "/meetings/{meeting}/reply", secretariat(REDIRECT)),
    "meetings.attendance": ("POST", "/meetings/{meeting}/attendance", secretariat(REDIRECT)),
    "meetings.add_guest": ("POST", "/meetings/{meeting}/guests", secretariat(422)),
    "meetings.add_agenda_item": ("GET", "/meetings/{meeting}/agenda/new", secretariat()),
    "meetings.edit_agenda_item": (
        "GET",
        "/meetings/{meeting}/agenda/{agenda_item}/edit",
        secretariat(),
    ),
    "meetings.move_agenda_item": (
        "POST",
        "/meetings/{meeting}/agenda/{agenda_item}/move",
        secretariat(REDIRECT),
    ),
    "meetings.remove_agenda_item": (
        "POST",
        "/meetings/{meeting}/agenda/{agenda_item}/remove",
        secretariat(REDIRECT),
    ),
    "meetings.upload_paper": ("POST", "/meetings/{meeting}/papers", secretariat(422)),
    "meetings.paper": ("GET", "/meetings/{meeting}/papers/{paper}", secretariat()),
    "meetings.remove_paper": (
        "POST",
        "/meetings/{meeting}/papers/{paper}/remove",
        secretariat(REDIRECT),
    ),
    # Minutes, registers and search (meetings/minutes_views.py), the public minutes
    # (public/minutes.py): a meeting with draft minutes of a group the visitors are not in, and
    # another with published minutes.
    "meetings.minutes": ("GET", "/meetings/{minutes_meeting}/minutes", secretariat()),
    "meetings.minutes_version": ("GET", "/meetings/{minutes_meeting}/minutes/1", secretariat()),
    "meetings.minutes_pdf": ("GET", "/meetings/{minutes_meeting}/minutes.pdf", secretariat()),
    "meetings.circulate_minutes": (
        "POST",
        "/meetings/{minutes_meeting}/minutes/circulate",
        secretariat(REDIRECT),
    ),
    "meetings.comment_on_minutes": (
        "POST",
        "/meetings/{minutes_meeting}/minutes/comments",
        secretariat(422),
    ),
    "meetings.approve_minutes": (
        "POST",
        "/meetings/{minutes_meeting}/minutes/approve",
        secretariat(REDIRECT),
    ),
    # The minutes are a draft, not circulated: back to them with a message.
    "meetings.approve_minutes_confirm": (
        "GET",
        "/meetings/{minutes_meeting}/minutes/approve/confirm",
        secretariat(REDIRECT),
    ),
    "meetings.record_approval": (
        "POST",
        "/meetings/{minutes_meeting}/minutes/approve-at-meeting",
        secretariat(422),
    ),
    "meetings.amend_minutes": (
        "POST",
        "/meetings/{minutes_meeting}/minutes/amend",
        secretariat(REDIRECT),
    ),
    "meetings.publish_minutes": (
        "POST",
        "/meetings/{minutes_meeting}/minutes/1/public",
        secretariat(REDIRECT),
    ),
    "meetings.record_decision": (
        "POST",
        "/meetings/{minutes_meeting}/minutes/decisions",
        secretariat(422),
    ),
    "meetings.add_action_item": (
        "POST",
        "/meetings/{minutes_meeting}/minutes/actions",
        secretariat(422),
    ),
    "meetings.action_done": ("POST", "/meetings/actions/{action_item}/done", secretariat(REDIRECT)),
    "meetings.action_reopen": (
        "POST",
        "/meetings/actions/{action_item}/reopen",
        secretariat(REDIRECT),
    ),
    "meetings.decisions": ("GET", "/meetings/decisions", signed_in()),
    "meetings.my_actions": ("GET", "/meetings/actions", signed_in()),
    "meetings.group_actions": ("GET", "/meetings/groups/{minutes_group}/actions", secretariat()),
    "meetings.search": ("GET", "/meetings/search?q=budget", everyone()),
    "search.index": ("GET", "/search?q=route", signed_in()),
    "public.minutes": ("GET", "/public/minutes", everyone()),
    "public.minutes_detail": ("GET", "/public/minutes/{published_minutes}", everyone()),
    # Backlogs (backlog/views.py): the backlog of a product the organisation takes part in (its
    # "own contact" reads it, submits and comments), with a proposed item, a link and a closed
    # round of its coordination group, which "other" chairs. The empty forms sent are shown
    # again with their mistakes; the closed round neither opens nor closes again (sent back with
    # a message) and names no organisation's ballot (404).
    "backlog.index": ("GET", "/backlog/", signed_in()),
    "backlog.product": ("GET", "/backlog/products/{backlog_product}", own_contact()),
    "backlog.items_csv": ("GET", "/backlog/products/{backlog_product}/items.csv", own_contact()),
    "backlog.items_json": (
        "GET",
        "/backlog/products/{backlog_product}/items.json",
        own_contact(),
    ),
    "backlog.submit": ("GET", "/backlog/products/{backlog_product}/submit", own_contact()),
    "backlog.item": ("GET", "/backlog/items/{backlog_item}", own_contact()),
    "backlog.edit": ("GET", "/backlog/items/{backlog_item}/edit", secretariat()),
    "backlog.estimate": ("GET", "/backlog/items/{backlog_item}/estimate", secretariat()),
    "backlog.accept": ("POST", "/backlog/items/{backlog_item}/accept", secretariat(REDIRECT)),
    "backlog.reject": ("POST", "/backlog/items/{backlog_item}/reject", secretariat(422)),
    "backlog.move": ("POST", "/backlog/items/{backlog_item}/move", secretariat(REDIRECT)),
    "backlog.comment": ("POST", "/backlog/items/{backlog_item}/comments", own_contact(422)),
    "backlog.add_link": ("POST", "/backlog/items/{backlog_item}/links", secretariat(422)),
    "backlog.remove_link": (
        "POST",
        "/backlog/items/{backlog_item}/links/{backlog_link}/remove",
        secretariat(REDIRECT),
    ),
    "backlog.rounds": ("GET", "/backlog/products/{backlog_product}/rounds", own_contact()),
    "backlog.new_round": ("GET", "/backlog/products/{backlog_product}/rounds/new", secretariat()),
    "backlog.round": ("GET", "/backlog/rounds/{backlog_round}", own_contact()),
    "backlog.open_round": ("POST", "/backlog/rounds/{backlog_round}/open", secretariat(REDIRECT)),
    "backlog.close_round": (
        "POST",
        "/backlog/rounds/{backlog_round}/close",
        secretariat(REDIRECT),
    ),
    # The round is closed: back to it with a message.
    "backlog.open_round_confirm": (
        "GET",
        "/backlog/rounds/{backlog_round}/open/confirm",
        secretariat(REDIRECT),
    ),
    "backlog.close_round_confirm": (
        "GET",
        "/backlog/rounds/{backlog_round}/close/confirm",
        secretariat(REDIRECT),
    ),
    "backlog.ballot": ("POST", "/backlog/rounds/{backlog_round}/ballot", own_contact(404)),
    "backlog.result_csv": ("GET", "/backlog/rounds/{backlog_round}/result.csv", own_contact()),
    "backlog.result_json": ("GET", "/backlog/rounds/{backlog_round}/result.json", own_contact()),
    "messages.new": ("GET", "/messages/new?product={message_product}", secretariat()),
    "messages.index": ("GET", "/messages/", signed_in()),
    "messages.detail": ("GET", "/messages/{bulk_message}", secretariat()),
    # The JSON API's pages: one's tokens on the profile, every token for the secretariat, the
    # documentation and the OpenAPI document.
    "api.tokens_page": ("GET", "/profile/tokens", signed_in()),
    "api.revoke_token": ("POST", "/profile/tokens/{api_token}/revoke", secretariat(REDIRECT)),
    "api.all_tokens": ("GET", "/profile/tokens/all", secretariat()),
    "api.docs": ("GET", "/api/docs", everyone()),
    "api.docs_area": ("GET", "/api/docs/invoices", everyone()),
    "api-docs.openapi_json": ("GET", "/api/v1/openapi.json", everyone()),
    # The JSON API, called with the visitor's token. Writes are sent an empty body: whoever
    # may write is told what is missing (422), everyone else is refused before it is read.
    "api-public.public_members": ("GET", "/api/v1/public/members", everyone()),
    "api-public.public_suppliers": ("GET", "/api/v1/public/suppliers", everyone()),
    "api-products.list_products": ("GET", "/api/v1/products", everyone()),
    "api-products.get_product": ("GET", "/api/v1/products/public-route-product", everyone()),
    "api-organisations.list_organisations": (
        "GET",
        "/api/v1/organisations",
        by_token(signed_in()),
    ),
    "api-organisations.get_organisation": (
        "GET",
        "/api/v1/organisations/{organisation}",
        by_token(own_contact()),
    ),
    "api-organisations.list_billing_identities": (
        "GET",
        "/api/v1/organisations/{organisation}/billing-identities",
        by_token(own_contact()),
    ),
    "api-organisations.import_population": (
        "PUT",
        "/api/v1/populations/2026",
        by_token(secretariat(422)),
    ),
    "api-fees.get_expected_fees": (
        "GET",
        "/api/v1/organisations/{organisation}/expected-fees",
        by_token(own_contact()),
    ),
    "api-fees.get_fee_preview": ("GET", "/api/v1/fees/preview?year=2099", by_token(secretariat())),
    # The product has no budget that year: the secretariat is told so, no one else is let in.
    "api-fees.get_product_shares": (
        "GET",
        "/api/v1/products/public-route-product/shares/2099",
        by_token(secretariat(404)),
    ),
    "api-invoices.list_invoices": ("GET", "/api/v1/invoices", by_token(signed_in())),
    "api-invoices.get_invoice": ("GET", "/api/v1/invoices/{invoice}", by_token(own_contact())),
    "api-invoices.list_payments": (
        "GET",
        "/api/v1/invoices/{invoice}/payments",
        by_token(own_contact()),
    ),
    "api-invoices.record_payment": (
        "POST",
        "/api/v1/invoices/{invoice}/payments",
        by_token(secretariat(422)),
    ),
    "api-participation.list_participations": (
        "GET",
        "/api/v1/participations",
        by_token(signed_in()),
    ),
    "api-participation.get_participation": (
        "GET",
        "/api/v1/participations/{participation}",
        by_token(own_contact()),
    ),
    "api-participation.list_requests": (
        "GET",
        "/api/v1/participation-requests",
        by_token(signed_in()),
    ),
    "api-participation.get_request": (
        "GET",
        "/api/v1/participation-requests/{participation_request}",
        by_token(own_contact()),
    ),
    "api-participation.ask_to_join": (
        "POST",
        "/api/v1/organisations/{organisation}/join-requests",
        by_token(own_contact(422)),
    ),
    # Notice needs no more than the participation: its contacts give it.
    "api-participation.give_notice": (
        "POST",
        "/api/v1/participations/{participation}/leave-requests",
        by_token(own_contact(201)),
    ),
    # The organisation is no member, so the request to join cannot be granted.
    "api-participation.approve_request": (
        "POST",
        "/api/v1/participation-requests/{participation_request}/approve",
        by_token(secretariat(422)),
    ),
    "api-participation.decline_request": (
        "POST",
        "/api/v1/participation-requests/{participation_request}/decline",
        by_token(secretariat(422)),
    ),
    "api-groups.list_groups": ("GET", "/api/v1/groups", by_token(signed_in())),
    "api-suppliers.list_suppliers": ("GET", "/api/v1/suppliers", by_token(signed_in())),
    "api-agreements.list_agreements": ("GET", "/api/v1/agreements", by_token(signed_in())),
    "api-meetings.list_meetings": ("GET", "/api/v1/meetings", by_token(signed_in())),
    # The backlog's product: its participant "Aarhus Kommune" is the own contact's, "other"
    # chairs its coordination group.
    "api-backlog.list_backlog_items": (
        "GET",
        "/api/v1/products/route-backlog-product/backlog",
        by_token(own_contact()),
    ),
    "api-backlog.get_backlog_item": (
        "GET",
        "/api/v1/backlog-items/{backlog_item}",
        by_token(own_contact()),
    ),
    "api-backlog.list_rounds": (
        "GET",
        "/api/v1/products/route-backlog-product/rounds",
        by_token(own_contact()),
    ),
    "api-backlog.get_round_result": (
        "GET",
        "/api/v1/rounds/{backlog_round}/result",
        by_token(own_contact()),
    ),
    # The board's meeting: "other" sits in the board, none of the visitors does.
    "api-meetings.get_meeting": ("GET", "/api/v1/meetings/{meeting}", by_token(secretariat())),
    "api-meetings.list_decisions": ("GET", "/api/v1/decisions", by_token(signed_in())),
    "api-meetings.list_action_items": ("GET", "/api/v1/action-items", by_token(signed_in())),
    "api-public.public_minutes": ("GET", "/api/v1/public/minutes", everyone()),
    "api-public.public_minutes_detail": (
        "GET",
        "/api/v1/public/minutes/{published_minutes}",
        everyone(),
    ),
    "api-agreements.get_agreement": (
        "GET",
        "/api/v1/agreements/{agreement_document}",
        by_token(own_contact()),
    ),
    "api-suppliers.get_supplier": (
        "GET",
        "/api/v1/suppliers/{supplier}",
        by_token(secretariat()),
    ),
    # A group's page is its current members' (the visitor "group member" sits in another).
    "api-groups.get_group": (
        "GET",
        "/api/v1/groups/{group}",
        by_token(secretariat()),
    ),
}


def test_every_route_is_declared(app):
    registered = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert registered - set(ROUTES) == set(), (
        "declare the new routes in ROUTES with who may use them"
    )
    assert set(ROUTES) - registered == set()


@pytest.fixture
def objects(app):
    return route_objects()


def route_objects() -> dict:
    """The records the URLs of ROUTES name, by the names in their braces (flushed and, for the
    users, committed; the caller commits the rest where the records must outlive a request)."""
    from consortium.auth import services

    other = make_user("other@example.org")
    invited = services.create_user("invitee@example.org", "Invitee")
    services.invite_user(invited, None)
    from sqlalchemy import select

    from consortium.extensions import db
    from consortium.mail.models import OutboxMessage

    message = db.session.scalars(select(OutboxMessage)).first()
    from consortium.members import services as members

    organisation = members.create_organisation(
        name="Aarhus Kommune", kind="municipality", country="DK"
    )
    from consortium.products.models import Product

    # A product the public pages show (added directly: the products package owns its services).
    db.session.add(Product(slug="public-route-product", name="Public route product"))
    db.session.flush()
    from consortium.suppliers.models import Supplier

    supplier = Supplier(
        name="Route Supplier ApS",
        country="DK",
        registration_number="29189757",
        contact_name="Route",
        contact_email="route@supplier.example.dk",
    )
    db.session.add(supplier)
    db.session.flush()
    from consortium.api import tokens

    api_token = tokens.create_token(other, "Route token", ["register:read"], 30).record
    return {
        "other": other.id,
        "api_token": api_token.id,
        "message": message.id,
        "organisation": organisation.id,
        "supplier": supplier.id,
        "requirement": _first_requirement_id(),
        **_invoicing_objects(organisation),
        **_group_and_participation_objects(organisation, other),
        **_agreement_objects(organisation),
        **_meeting_objects(),
        **_minutes_objects(organisation, other),
        **_backlog_objects(organisation, other),
        **_message_objects(other),
    }


def _agreement_objects(organisation) -> dict:
    """A published template version and a document of the organisation made from it
    (agreements/), with a small stored file instead of a sealed PDF, as for the invoices."""
    from consortium.agreements import services
    from consortium.agreements.models import AgreementDocument
    from consortium.extensions import db

    version = services.publish_version(
        "membership", "en", title="Membership", body="{organisation.name} is a member."
    )
    document = AgreementDocument(
        number="AGR-2099-00001",
        number_year=2099,
        kind="membership",
        organisation=organisation,
        template_version=version,
        version_label=version.label,
        language="en",
        title="Membership",
        body="Aarhus Kommune is a member.",
        pdf=b"%PDF-1.7 route",
        sha256="0" * 64,
    )
    db.session.add(document)
    db.session.flush()
    return {"agreement_document": document.id, "agreement_template_version": version.id}


def _meeting_objects() -> dict:
    """A meeting of the board (meetings/), with an agenda item and a paper on it."""
    from datetime import date, time

    from sqlalchemy import select

    from consortium.extensions import db
    from consortium.groups.models import Group
    from consortium.meetings import services as meetings

    board = db.session.scalar(select(Group).where(Group.name == "Route board"))
    meeting = meetings.plan_meeting(
        board, title="Route meeting", day=date(2099, 3, 10), starts=time(13), ends=time(15)
    )
    item = meetings.add_agenda_item(meeting, title="Route item")
    paper = meetings.attach_paper(meeting, "route.pdf", b"%PDF-1.7 route", agenda_item=item)
    return {"meeting": meeting.id, "agenda_item": item.id, "paper": paper.id}


def _minutes_objects(organisation, other) -> dict:
    """A group with "other" as its secretary, a meeting with an agenda item, draft minutes and
    an open action item, and a second meeting whose approved minutes are public (meetings/)."""
    from datetime import date, time

    from consortium.extensions import db
    from consortium.groups import services as groups
    from consortium.meetings import services as meetings

    group = groups.create_group("board", "Route minutes board")
    group.code = "ROUTE-MB"
    groups.add_member(
        group, other, organisation=organisation, role="secretary", starts_on=date(2025, 1, 1)
    )
    meeting, published = (
        meetings.plan_meeting(
            group,
            title=f"Route budget meeting {number}",
            day=date(2027, 3, number),
            starts=time(10, 0),
            ends=time(12, 0),
            timezone="Europe/Copenhagen",
        )
        for number in (1, 2)
    )
    item = meetings.add_agenda_item(meeting, title="Budget")
    meetings.write_minutes(meeting, other, {item.id: "The budget was discussed."})
    action = meetings.add_action_item(meeting, what="Send the budget", owner=other)
    minutes = meetings.write_minutes(published, other, {None: "Budget approved."})
    meetings.circulate_minutes(minutes)
    minutes.state, minutes.is_public = "approved", True
    db.session.flush()
    return {
        "minutes_group": group.id,
        "minutes_meeting": meeting.id,
        "action_item": action.id,
        "published_minutes": minutes.id,
    }


def _backlog_objects(organisation, other) -> dict:
    """A product the organisation takes part in with an agreement, its coordination group
    chaired by "other", an accepted item in a closed round and a proposed item with a link
    (backlog/)."""
    from datetime import UTC, date, datetime, timedelta

    from consortium.backlog import services as backlog
    from consortium.extensions import db
    from consortium.groups import services as groups
    from consortium.participation.models import Participation
    from consortium.products.models import Product

    product = Product(slug="route-backlog-product", name="Route backlog product")
    db.session.add(product)
    db.session.add(
        Participation(
            organisation=organisation,
            product=product,
            phase="agreement",
            starts_on=date(2020, 1, 1),
        )
    )
    db.session.flush()
    group = groups.create_group("coordination_group", "Route coordination group", product)
    group.code = "ROUTE-KG"
    groups.add_member(
        group, other, organisation=organisation, role="chair", starts_on=date(2025, 1, 1)
    )
    counted = backlog.submit_item(
        product, by=other, organisation=organisation, title="Route counted wish"
    )
    backlog.accept_item(counted)
    now = datetime.now(UTC)
    round_ = backlog.create_round(
        product,
        group,
        title="Route round",
        method="points",
        points_total=10,
        max_per_item=5,
        opens_at=now - timedelta(hours=2),
        closes_at=now + timedelta(days=1),
        item_ids=[counted.id],
        by=other,
    )
    backlog.open_round(round_, by=other, now=now - timedelta(hours=1))
    backlog.cast_ballot(round_, organisation, {counted.id: 5}, other, now=now)
    backlog.close_round(round_, by=other, now=now)
    item = backlog.submit_item(
        product,
        by=other,
        organisation=organisation,
        title="Route wish",
        description="A **route** wish.",
    )
    link = backlog.add_link(item, label="Issue 1", url="https://tracker.example.dk/1", by=other)
    return {
        "backlog_product": product.id,
        "backlog_item": item.id,
        "backlog_link": link.id,
        "backlog_round": round_.id,
    }


def _issued_invoice(organisation) -> int:
    """An issued invoice to the organisation, with a stored PDF and e-invoice (invoicing/).

    The route test asks who may open which page, not what the documents say (the invoicing
    tests render and validate them), so its invoice stores two small files instead: rendering
    a real PDF for each of the several hundred visits would take minutes.
    """
    from decimal import Decimal
    from unittest import mock

    from consortium.invoicing import services as invoicing
    from consortium.members.services import save_billing_identity

    def store_small_files(invoice) -> None:
        invoice.pdf, invoice.ubl = b"%PDF-1.7 route", b"<Invoice/>"

    identity = save_billing_identity(organisation, None, name="Økonomi", gln="5798000000018")
    invoice = invoicing.create_draft(organisation, identity)
    invoicing.add_line(invoice, "membership", "Membership fee", Decimal("1000.00"))
    with mock.patch.object(invoicing, "render_documents", store_small_files):
        return invoicing.issue(invoice).id


def _invoicing_objects(organisation) -> dict:
    """An issued invoice with its line, and a year's run in draft without invoices."""
    from datetime import date
    from decimal import Decimal

    from consortium.extensions import db
    from consortium.invoicing.models import Invoice, InvoiceRun, Reminder

    invoice_id = _issued_invoice(organisation)
    run = InvoiceRun(year=2099, status="draft")
    # A reminder of the invoice, as it is stored once sent (a small file, as above).
    reminder = Reminder(
        invoice_id=invoice_id,
        sent_on=date(2099, 1, 1),
        level=1,
        balance=Decimal("1000.00"),
        pdf=b"%PDF-1.7 reminder",
    )
    db.session.add_all([run, reminder])
    db.session.flush()
    return {
        "invoice": invoice_id,
        "invoice_line": db.session.get(Invoice, invoice_id).lines[0].id,
        "run": run.id,
        "reminder": reminder.id,
        "settlement": _draft_settlement(organisation),
    }


def _draft_settlement(organisation) -> int:
    """A draft year-end settlement with the organisation's part (invoicing/settlement.py)."""
    from decimal import Decimal

    from consortium.extensions import db
    from consortium.invoicing.models import ProductSettlement, SettlementShare
    from consortium.products.models import Product

    product = Product(slug="route-settled-product", name="Route settled product")
    settlement = ProductSettlement(
        product=product,
        year=2098,
        currency="DKK",
        budget_amount=Decimal("1000.00"),
        actual_cost=Decimal("1100.00"),
        difference=Decimal("100.00"),
    )
    settlement.shares.append(
        SettlementShare(
            organisation=organisation,
            budget_share=Decimal("1000.00"),
            share_percent=Decimal("100"),
            amount=Decimal("100.00"),
        )
    )
    db.session.add_all([product, settlement])
    db.session.flush()
    return settlement.id


def _first_requirement_id() -> int:
    """A requirement of the maturity list (products/), seeded by the migrations."""
    from consortium.products import queries, services

    services.ensure_default_requirements()
    return queries.requirements()[0].id


def _group_and_participation_objects(organisation, other) -> dict:
    """A group with a member, and a participation with a pending request (groups/, participation/)."""
    from datetime import date

    from consortium.extensions import db
    from consortium.groups import services as groups
    from consortium.members import services as members
    from consortium.participation.models import Participation, ParticipationRequest
    from consortium.products.models import Product

    contact = members.add_contact(organisation, other.id, "other")
    group = groups.create_group("board", "Route board")
    member = groups.add_member(group, other, organisation=organisation, starts_on=date(2025, 1, 1))
    product = Product(slug="route-participation-product", name="Route participation product")
    participation = Participation(
        organisation=organisation, product=product, phase="agreement", starts_on=date(2025, 1, 1)
    )
    request = ParticipationRequest(
        kind="join",
        organisation=organisation,
        product=product,
        phase="agreement",
        starts_on=date(2026, 1, 1),
    )
    db.session.add_all([product, participation, request])
    db.session.flush()
    return {
        "group": group.id,
        "group_member": member.id,
        "organisation_contact": contact.id,
        "participation": participation.id,
        "participation_request": request.id,
    }


def _message_objects(other) -> dict:
    """The participation product (messages are written to its participants' contacts) and a
    message another user sent to them (messages/)."""
    from sqlalchemy import select

    from consortium.extensions import db
    from consortium.messages.models import BulkMessage, BulkMessageText
    from consortium.products.models import Product

    product = db.session.scalar(
        select(Product).where(Product.slug == "route-participation-product")
    )
    message = BulkMessage(
        token="route-message-token-0000", sender_user_id=other.id, source="product"
    )
    message.product = product
    message.texts.append(BulkMessageText(language="en", subject="Route", body="Hello"))
    db.session.add(message)
    db.session.flush()
    return {"message_product": product.id, "bulk_message": message.id}


def give_own_records(role: str, visitor, objects: dict) -> None:
    """The visitor's own organisation, supplier or group: never the ones the URLs name, except
    for "own contact", a contact of the organisation the URLs name."""
    from datetime import date

    from consortium.extensions import db
    from consortium.groups import services as groups
    from consortium.members import services as members
    from consortium.suppliers.models import Supplier, SupplierContact

    if role == "own contact":
        from consortium.members.models import Organisation

        members.add_contact(db.session.get(Organisation, objects["organisation"]), visitor.id, "it")
    if role in ("contact", "group member"):
        name = "Odder Kommune" if role == "contact" else "Skanderborg Kommune"
        own = members.create_organisation(name=name, kind="municipality", country="DK")
        members.add_contact(own, visitor.id, "primary")
        if role == "group member":
            group = groups.create_group("general_assembly", "Own assembly")
            groups.add_member(group, visitor, organisation=own, starts_on=date(2025, 1, 1))
    if role == "supplier contact":
        supplier = Supplier(
            name="Own Supplier ApS",
            country="DK",
            registration_number="55133018",
            contact_name="Own",
            contact_email="own@supplier.example.dk",
            status="approved",
        )
        db.session.add(supplier)
        db.session.flush()
        db.session.add(SupplierContact(supplier_id=supplier.id, user_id=visitor.id))
        db.session.flush()


def _pending_import(user_id: int) -> int:
    """An uploaded file waiting for its uploader's confirmation."""
    from consortium.extensions import db
    from consortium.members.models import PendingImport

    pending = PendingImport(user_id=user_id, filename="x.csv", content=b"name,kind,country\n")
    db.session.add(pending)
    db.session.flush()
    return pending.id


def _visit(client, method, url, headers=None):
    if url.startswith("/api/v1/"):
        response = client.open(url, method=method, headers=headers or {}, json={})
        response.close()
        return response
    response = client.get(url) if method == "GET" else client.post(url, data={})
    response.close()  # a static file is streamed from an open file
    return response


@dataclass
class RoutesWorld:
    """The records of ROUTES and a visitor of each role with their own records, committed once
    per test process, each visitor signed in once (their session cookie) and holding an API
    token of every area."""

    app: Any
    objects: dict
    visitors: dict[str, int]
    cookies: dict[str, str]
    tokens: dict[str, str]

    def client(self, role: str):
        """A new browser of the visitor, signed in unless anonymous (the API's calls carry the
        visitor's token instead, `tokens`)."""
        client = self.app.test_client()
        if role in self.cookies:
            client.set_cookie(self.app.config["SESSION_COOKIE_NAME"], self.cookies[role])
        return client


def visitor_email(role: str) -> str:
    return f"{role.replace(' ', '-')}-visitor@example.org"


@pytest.fixture(scope="session")
def routes_database(migrated_template, tmp_path_factory):
    """The records of ROUTES and their visitors (`RoutesWorld`), made once per test process in
    a database of their own; a test runs inside `rolled_back`."""
    app = make_app(copy_database(tmp_path_factory, migrated_template, "consortium_routes"))
    from tests.api.helpers import token_for

    signed_in = [role for role in ROLES if role != "anonymous"]
    with app.app_context():
        records = route_objects()
        visitors, tokens = {}, {}
        for role in signed_in:
            visitor = make_user(visitor_email(role), secretariat=role == "secretariat")
            give_own_records(role, visitor, records)
            visitors[role] = visitor.id
            tokens[role] = token_for(visitor)
        db.session.commit()
    cookies = {}
    for role in signed_in:
        client = app.test_client()
        assert login(client, visitor_email(role)).status_code == 302
        cookies[role] = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    yield RoutesWorld(app, records, visitors, cookies, tokens)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


# The visitors whose visits render every page they may open on each database (the secretariat
# opens every page): a page's queries are run on PostgreSQL as on SQLite. The others' visits
# check who is refused, which no database changes: they run in the SQLite run only.
ON_EVERY_DATABASE = ("secretariat", "own contact", "supplier contact")


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
@pytest.mark.parametrize(
    "role",
    [
        role if role in ON_EVERY_DATABASE else pytest.param(role, marks=pytest.mark.sqlite)
        for role in ROLES
    ],
)
def test_access(routes_database, endpoint, role):
    """Each visitor gets the answer named for them: a contact of another organisation, a
    contact of another supplier and a member of another group have no more rights on these
    records than any signed-in user; a contact of the organisation sees its pages."""
    with rolled_back(routes_database.app):
        _check_access(routes_database, endpoint, role)


def _check_access(world: RoutesWorld, endpoint, role):
    method, url, expected = ROUTES[endpoint]
    # Each uploads their own file; others' uploads are not theirs to confirm.
    uploader = world.visitors.get(role, world.objects["other"])
    url = url.format(pending=_pending_import(uploader), **world.objects)
    # The API takes a token, never the session: the visitor calls with one.
    headers = {"Authorization": f"Bearer {world.tokens[role]}"} if role in world.tokens else {}
    response = _visit(world.client(role), method, url, headers)
    answer = expected[role]
    where = response.headers.get("Location", "")
    if answer == SIGN_IN:
        assert response.status_code == 302, (endpoint, role, response.status_code)
        assert where.startswith("/sign-in?next="), (endpoint, role, where)
    elif answer == REDIRECT:
        assert response.status_code in (302, 303), (endpoint, role, response.status_code)
        assert not where.startswith("/sign-in"), (endpoint, role, where)
    else:
        assert response.status_code == answer, (endpoint, role, response.status_code, where)


def test_every_route_names_an_answer_for_every_visitor():
    for endpoint, (_method, _url, expected) in ROUTES.items():
        assert set(expected) == set(ROLES), endpoint
