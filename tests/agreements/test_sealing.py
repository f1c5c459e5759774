"""The association's seal as a municipality checks it: a sealed agreement verifies as sealed,
intact and made with the association's certificate, and names its document and template
version; changing one byte, appending to the file or editing it in another tool breaks it; an
unsigned PDF or any other bytes get a plain answer, never an error."""

from __future__ import annotations

import io
import os
import stat
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from pypdf import PdfReader, PdfWriter

from consortium.agreements.sealing import (
    SealCheck,
    ensure_development_seal,
    seal_pdf,
    seal_settings,
    verify_seal,
)
from tests.agreements.samples import two_page_agreement

ASSOCIATION = "OS2 – Offentligt digitaliseringsfællesskab"


@pytest.fixture(scope="module")
def seal(tmp_path_factory):
    """The association's development seal: (key path, certificate path)."""
    return ensure_development_seal(tmp_path_factory.mktemp("instance"), ASSOCIATION)


@pytest.fixture(scope="module")
def other_seal(tmp_path_factory):
    """Somebody else's self-signed seal with the association's very name."""
    return ensure_development_seal(tmp_path_factory.mktemp("elsewhere"), ASSOCIATION)


_sealed: dict[str, bytes] = {}


@pytest.fixture
def unsealed(app):
    return two_page_agreement("da")


@pytest.fixture
def sealed(unsealed, seal):
    if "da" not in _sealed:
        key_path, cert_path = seal
        _sealed["da"] = seal_pdf(
            unsealed,
            key_path=key_path,
            cert_path=cert_path,
            reason="Udstedt af foreningen",
            location="København",
            name=ASSOCIATION,
        )
    return _sealed["da"]


def test_a_sealed_agreement_verifies_and_names_its_document(sealed, seal):
    check = verify_seal(sealed, trusted_cert_path=seal[1])
    assert check == SealCheck(
        sealed=True,
        intact=True,
        trusted=True,
        signer=ASSOCIATION,
        signed_at=check.signed_at,
        document_number="TA-2027-00042",
        version_label="3",
        problem="",
    )
    assert check.holds
    assert check.signed_at is not None
    assert abs(datetime.now(UTC) - check.signed_at) < timedelta(minutes=10)


def test_pyhanko_validates_the_seal_as_pades_over_the_whole_file(sealed, seal):
    from asn1crypto import pem
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import SignatureCoverageLevel, validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    with open(seal[1], "rb") as handle:
        _type, _headers, der = pem.unarmor(handle.read())
    context = ValidationContext(trust_roots=[asn1_x509.Certificate.load(der)], allow_fetching=False)
    reader = PdfFileReader(io.BytesIO(sealed))
    [signature] = reader.embedded_signatures
    status = validate_pdf_signature(signature, context)
    assert status.bottom_line
    assert status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.md_algorithm == "sha256"
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert signature.sig_object["/Reason"] == "Udstedt af foreningen"
    assert signature.sig_object["/Location"] == "København"
    # An approval signature, not a certification, and invisible on the page.
    assert "/Perms" not in reader.root
    assert [float(side) for side in signature.sig_field["/Rect"]] == [0, 0, 0, 0]


def test_another_validator_finds_the_seal_valid_over_the_whole_document(sealed, tmp_path):
    """Poppler's pdfsig (on NSS), as a PDF reader checks a signature."""
    path = tmp_path / "TA-2027-00042.pdf"
    path.write_bytes(sealed)
    report = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False)
    assert "Signature Field Name: AssociationSeal" in report.stdout
    assert f"Signer Certificate Common Name: {ASSOCIATION}" in report.stdout
    assert "Signing Hash Algorithm: SHA-256" in report.stdout
    assert "Signature Type: ETSI.CAdES.detached" in report.stdout
    assert "Total document signed" in report.stdout
    assert "Signature Validation: Signature is Valid." in report.stdout

    offset = _stream_offsets(sealed)[0]
    path.write_bytes(_flip(sealed, offset))
    report = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False)
    assert "Signature is Valid" not in report.stdout


def test_the_sealed_pdf_still_reads_as_the_agreement(sealed):
    reader = PdfReader(io.BytesIO(sealed))
    assert len(reader.pages) == 2
    assert "Side 2 af 2" in reader.pages[1].extract_text()
    assert "/StructTreeRoot" in reader.trailer["/Root"]


def _flip(data: bytes, offset: int) -> bytes:
    return data[:offset] + bytes([data[offset] ^ 0x01]) + data[offset + 1 :]


def _stream_offsets(pdf: bytes) -> list[int]:
    """Offsets a little way into each stream of the PDF: the pages' text, fonts, metadata."""
    offsets, start = [], pdf.find(b"stream\n")
    while start >= 0:
        offsets.append(start + len(b"stream\n") + 20)
        start = pdf.find(b"stream\n", start + 1)
    return offsets


def test_changing_one_byte_of_the_signed_content_breaks_the_seal(sealed, unsealed, seal):
    offsets = _stream_offsets(unsealed)
    assert len(offsets) > 5
    for offset in offsets[:3] + offsets[-3:]:
        check = verify_seal(_flip(sealed, offset), trusted_cert_path=seal[1])
        assert check.sealed
        assert not check.intact, offset
        assert not check.trusted
        assert not check.holds
        assert (
            check.problem == "The PDF has been changed since it was sealed: the seal does not hold."
        )


def test_changing_the_signature_itself_breaks_the_seal(sealed, seal):
    contents = sealed.index(b"/Contents <") + len(b"/Contents <")
    # A digit of the signature value changed into another digit, and into a letter that is
    # not hexadecimal at all.
    for offset, replacement in ((contents + 400, None), (contents + 201, ord("x"))):
        if replacement is None:
            replacement = ord("1") if sealed[offset] != ord("1") else ord("2")
        forged = sealed[:offset] + bytes([replacement]) + sealed[offset + 1 :]
        check = verify_seal(forged, trusted_cert_path=seal[1])
        assert check.sealed
        assert not check.intact
        assert check.problem


def test_a_byte_appended_after_the_seal_is_not_covered(sealed, seal):
    check = verify_seal(sealed + b"x", trusted_cert_path=seal[1])
    assert check.sealed
    assert not check.intact
    assert check.problem == (
        "The PDF has been changed after it was sealed: the seal does not cover the whole file."
    )


def test_an_edit_made_after_sealing_is_not_covered_and_not_believed(sealed, seal):
    writer = PdfWriter(io.BytesIO(sealed), incremental=True)
    writer.add_metadata({"/Title": "Tilslutningsaftale, ændret"})
    output = io.BytesIO()
    writer.write(output)
    edited = output.getvalue()
    assert edited.startswith(sealed)
    check = verify_seal(edited, trusted_cert_path=seal[1])
    assert check.sealed
    assert not check.intact
    assert not check.holds
    # What is named comes from the sealed revision.
    assert check.document_number == "TA-2027-00042"


def test_a_seal_made_with_another_certificate_is_not_trusted(unsealed, seal, other_seal):
    forged = seal_pdf(unsealed, key_path=other_seal[0], cert_path=other_seal[1])
    check = verify_seal(forged, trusted_cert_path=seal[1])
    assert check.sealed
    assert check.intact
    assert not check.trusted
    assert check.signer == ASSOCIATION
    assert check.problem == "The seal was not made with the association's certificate."


def test_a_key_replaced_in_place_seals_the_next_document(unsealed, seal, other_seal, tmp_path):
    """The seal's files are read once per process; renewing them at the same paths takes
    effect with the next document, no restart needed."""
    key_path, cert_path = Path(tmp_path / "seal-key.pem"), Path(tmp_path / "seal-cert.pem")
    for source, target in zip(seal, (key_path, cert_path), strict=True):
        target.write_bytes(Path(source).read_bytes())
    first = seal_pdf(unsealed, key_path=str(key_path), cert_path=str(cert_path))
    assert verify_seal(first, trusted_cert_path=seal[1]).holds
    for source, target in zip(other_seal, (key_path, cert_path), strict=True):
        target.write_bytes(Path(source).read_bytes() + b"\n")
    renewed = seal_pdf(unsealed, key_path=str(key_path), cert_path=str(cert_path))
    assert not verify_seal(renewed, trusted_cert_path=seal[1]).trusted
    assert verify_seal(renewed, trusted_cert_path=other_seal[1]).holds


def test_without_a_trusted_certificate_only_integrity_is_checked(sealed):
    check = verify_seal(sealed)
    assert check.sealed
    assert check.intact
    assert not check.trusted
    assert check.problem == ""


def test_an_unsigned_pdf_has_no_seal(unsealed, seal):
    check = verify_seal(unsealed, trusted_cert_path=seal[1])
    assert not check.sealed
    assert not check.intact
    assert check.problem == "The PDF carries no seal."


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x00" * 100,
        os.urandom(5000),
        b"%PDF-",
        b"%PDF-1.7\n%%EOF",
        b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 1 0 R >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF",
        b"%PDF-1.7\n" + b"[" * 100000,
        b"Tilslutningsaftale",
    ],
)
def test_any_bytes_get_an_answer(data, seal):
    check = verify_seal(data, trusted_cert_path=seal[1])
    assert not check.sealed
    assert not check.holds
    assert check.problem


def test_a_truncated_sealed_pdf_gets_an_answer(sealed, seal):
    for length in (len(sealed) // 2, len(sealed) - 10, 2000):
        check = verify_seal(sealed[:length], trusted_cert_path=seal[1])
        assert not check.holds
        assert check.problem


def test_a_trusted_certificate_that_cannot_be_read_is_said(sealed, tmp_path):
    missing = verify_seal(sealed, trusted_cert_path=str(tmp_path / "nothing.pem"))
    assert missing.problem == "The trusted certificate cannot be read."
    junk = tmp_path / "junk.pem"
    junk.write_bytes(b"-----BEGIN CERTIFICATE-----\nbm90\n-----END CERTIFICATE-----\n")
    assert verify_seal(sealed, trusted_cert_path=str(junk)).problem == (
        "The trusted certificate cannot be read."
    )


def test_the_problem_is_said_in_the_readers_language(app, unsealed, seal):
    from flask_babel import force_locale

    with force_locale("da"):
        check = verify_seal(unsealed, trusted_cert_path=seal[1])
    assert check.problem == "PDF'en har intet segl."


def test_the_development_seal_is_made_once_and_kept(tmp_path):
    key_path, cert_path = ensure_development_seal(tmp_path, "Open Cities")
    assert key_path == str(tmp_path / "seal" / "seal-key.pem")
    assert cert_path == str(tmp_path / "seal" / "seal-cert.pem")
    assert stat.S_IMODE(os.stat(key_path).st_mode) == 0o600
    certificate = x509.load_pem_x509_certificate(Path(cert_path).read_bytes())
    assert certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == (
        "Open Cities"
    )
    assert certificate.issuer == certificate.subject
    usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment
    assert not usage.key_cert_sign
    lifetime = certificate.not_valid_after_utc - certificate.not_valid_before_utc
    assert timedelta(days=3650) <= lifetime <= timedelta(days=3655)
    key = serialization.load_pem_private_key(Path(key_path).read_bytes(), password=None)
    assert key.public_key().public_numbers() == certificate.public_key().public_numbers()

    before = (Path(key_path).read_bytes(), Path(cert_path).read_bytes())
    assert ensure_development_seal(tmp_path, "Someone Else") == (key_path, cert_path)
    assert (Path(key_path).read_bytes(), Path(cert_path).read_bytes()) == before


def test_a_lost_development_certificate_is_made_again_for_the_same_key(tmp_path):
    key_path, cert_path = ensure_development_seal(tmp_path, "Open Cities")
    key = Path(key_path).read_bytes()
    os.unlink(cert_path)
    assert ensure_development_seal(tmp_path, "Open Cities") == (key_path, cert_path)
    assert Path(key_path).read_bytes() == key
    certificate = x509.load_pem_x509_certificate(Path(cert_path).read_bytes())
    private = serialization.load_pem_private_key(key, password=None)
    assert private.public_key().public_numbers() == certificate.public_key().public_numbers()


def test_a_certificate_without_its_key_is_refused(tmp_path):
    _key_path, cert_path = ensure_development_seal(tmp_path, "Open Cities")
    os.unlink(_key_path)
    with pytest.raises(RuntimeError, match="without its key"):
        ensure_development_seal(tmp_path, "Open Cities")
    assert os.path.exists(cert_path)


def _seal_with_passphrase(folder, passphrase: bytes) -> tuple[str, str]:
    """A key protected by a passphrase and its certificate, as a production seal may come."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Open Cities z. s.")])
    now = datetime.now(UTC)
    from cryptography.hazmat.primitives import hashes

    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_path, cert_path = folder / "key.pem", folder / "cert.pem"
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(passphrase),
        )
    )
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return str(key_path), str(cert_path)


def test_a_key_with_a_passphrase_seals(unsealed, tmp_path):
    key_path, cert_path = _seal_with_passphrase(tmp_path, b"hemmelig")
    sealed = seal_pdf(unsealed, key_path=key_path, cert_path=cert_path, passphrase=b"hemmelig")
    check = verify_seal(sealed, trusted_cert_path=cert_path)
    assert check.holds
    assert check.signer == "Open Cities z. s."
    with pytest.raises(ValueError, match="cannot be loaded"):
        seal_pdf(unsealed, key_path=key_path, cert_path=cert_path, passphrase=b"wrong")


def test_seal_settings_come_from_the_configuration(app, monkeypatch):
    monkeypatch.setitem(app.config, "AGREEMENT_SEAL_KEY", "/etc/consortium/seal-key.pem")
    monkeypatch.setitem(app.config, "AGREEMENT_SEAL_CERT", "/etc/consortium/seal-cert.pem")
    monkeypatch.setitem(app.config, "AGREEMENT_SEAL_PASSPHRASE", "hemmelig")
    assert seal_settings(app) == (
        "/etc/consortium/seal-key.pem",
        "/etc/consortium/seal-cert.pem",
        b"hemmelig",
    )


def test_testing_without_settings_makes_the_development_seal(app, monkeypatch, tmp_path):
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    key_path, cert_path, passphrase = seal_settings(app)
    assert (key_path, cert_path) == (
        str(tmp_path / "seal" / "seal-key.pem"),
        str(tmp_path / "seal" / "seal-cert.pem"),
    )
    assert passphrase is None
    assert seal_settings(app) == (key_path, cert_path, None)


def test_making_the_development_seal_in_a_request_keeps_the_requests_work(
    app, monkeypatch, tmp_path
):
    # The seal is made while a request (approving a join) has written things not yet committed.
    from consortium.extensions import db
    from consortium.settings.services import get_settings, update_settings

    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    with app.app_context():
        update_settings(get_settings(), name="Fællesskabet")
        db.session.commit()
    with app.test_request_context():
        settings = get_settings()
        settings.name = "Fællesskabet i forandring"
        seal_settings(app)
        assert settings in db.session
        assert db.session.is_modified(settings)
        assert get_settings().name == "Fællesskabet i forandring"
    cert = x509.load_pem_x509_certificate((tmp_path / "seal" / "seal-cert.pem").read_bytes())
    assert "Fællesskabet i forandring" in cert.subject.rfc4514_string()


@pytest.mark.parametrize(
    ("environment", "key", "cert"),
    [
        ("production", "", ""),
        ("production", "/etc/seal-key.pem", ""),
        ("development", "", "/etc/seal-cert.pem"),
    ],
)
def test_a_missing_setting_is_named(app, monkeypatch, tmp_path, environment, key, cert):
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    monkeypatch.setitem(app.config, "CONSORTIUM_ENV", environment)
    monkeypatch.setitem(app.config, "AGREEMENT_SEAL_KEY", key)
    monkeypatch.setitem(app.config, "AGREEMENT_SEAL_CERT", cert)
    with pytest.raises(RuntimeError, match="AGREEMENT_SEAL_KEY and AGREEMENT_SEAL_CERT"):
        seal_settings(app)
    assert not (tmp_path / "seal").exists()


def test_a_trial_seal_is_made_and_its_settings_printed(tmp_path, capsys):
    from consortium.agreements.sealing import main

    assert main([str(tmp_path), "Trial association"]) == 0
    settings = dict(line.split("=", 1) for line in capsys.readouterr().out.splitlines())
    assert set(settings) == {"AGREEMENT_SEAL_KEY", "AGREEMENT_SEAL_CERT"}
    certificate = x509.load_pem_x509_certificate(Path(settings["AGREEMENT_SEAL_CERT"]).read_bytes())
    assert "Trial association" in certificate.subject.rfc4514_string()
    assert Path(settings["AGREEMENT_SEAL_KEY"]).stat().st_mode & 0o077 == 0
