"""The association's own settings: one row, edited by the secretariat."""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from consortium.extensions import db


class AssociationSettings(db.Model):
    __tablename__ = "association_settings"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    default_language: Mapped[str] = mapped_column(String(8), default="en")
    currency: Mapped[str] = mapped_column(String(3), default="DKK")
    country: Mapped[str] = mapped_column(String(2), default="DK")
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Copenhagen")
    email: Mapped[str] = mapped_column(String(254), default="")
    address: Mapped[str] = mapped_column(Text, default="", server_default="")
    registration_number: Mapped[str] = mapped_column(String(40), default="", server_default="")
    vat_number: Mapped[str] = mapped_column(String(40), default="", server_default="")

    @property
    def audit_label(self) -> str:
        return self.name

    def __repr__(self) -> str:
        return f"<AssociationSettings {self.name!r}>"
