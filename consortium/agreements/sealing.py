"""The association's seal on agreement PDFs: a PAdES signature made with pyHanko, and checking
one.

A sealed PDF carries an invisible approval signature (PAdES B-B, SHA-256) over the whole file,
so that a municipality can check in any PDF reader that the document came from the association
unaltered. Nothing is fetched from the network: no timestamp server, no revocation lists.

The key and the certificate come from the configuration (:func:`seal_settings`); development
and testing make a self-signed pair in the instance folder (:func:`ensure_development_seal`).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import io
import os
import tempfile
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from flask import Flask
from flask_babel import gettext as _

from consortium.agreements.pdf import document_identity

SEAL_FIELD = "AssociationSeal"
DEVELOPMENT_KEY = "seal-key.pem"
DEVELOPMENT_CERT = "seal-cert.pem"
CERTIFICATE_YEARS = 10


def seal_pdf(
    pdf: bytes,
    *,
    key_path: str,
    cert_path: str,
    passphrase: bytes | None = None,
    reason: str = "",
    location: str = "",
    name: str = "",
) -> bytes:
    """The PDF with the association's seal: an invisible PAdES B-B approval signature (SHA-256)
    over the whole file, added as an incremental update. A ValueError when the key or the
    certificate cannot be loaded."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    signer = _signer(key_path, cert_path, passphrase, _version(key_path), _version(cert_path))
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    metadata = signers.PdfSignatureMetadata(
        field_name=SEAL_FIELD,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason or None,
        location=location or None,
        name=name or None,
        embed_validation_info=False,
        use_pades_lta=False,
    )
    output = _outside_any_event_loop(signers.sign_pdf, writer, metadata, signer=signer)
    return bytes(output.getvalue())


def _version(path: str) -> tuple[int, int]:
    """What tells a changed file from the one read before: its modification time and size (a
    missing file is left for the loading to report)."""
    try:
        status = os.stat(path)
    except OSError:
        return (0, 0)
    return (status.st_mtime_ns, status.st_size)


@functools.lru_cache(maxsize=4)
def _signer(
    key_path: str,
    cert_path: str,
    passphrase: bytes | None,
    key_version: tuple[int, int],
    cert_version: tuple[int, int],
) -> Any:
    """The seal's signer for these files as they are now, read once per process: reading an RSA
    key checks it, which takes a tenth of a second, and pyHanko's own signer reads it again for
    every signature. A replaced key or certificate has another version and is read anew."""
    from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
    from pyhanko.sign import signers
    from pyhanko_certvalidator.util import get_pyca_cryptography_hash

    class KeyReadOnceSigner(signers.SimpleSigner):
        private_key: Any = None

        def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
            mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
            if isinstance(self.private_key, rsa.RSAPrivateKey) and (
                mechanism.signature_algo == "rsassa_pkcs1v15"
            ):
                algorithm = get_pyca_cryptography_hash(digest_algorithm)
                return self.private_key.sign(data, PKCS1v15(), algorithm)
            return super().sign_raw(data, digest_algorithm)

    loaded = signers.SimpleSigner.load(  # type: ignore[no-untyped-call]
        key_path, cert_path, key_passphrase=passphrase
    )
    if loaded is None:
        raise ValueError(f"the seal's key {key_path} or certificate {cert_path} cannot be loaded")
    signer = KeyReadOnceSigner(
        signing_cert=loaded.signing_cert,
        signing_key=loaded.signing_key,
        cert_registry=loaded.cert_registry,
    )
    signer.private_key = serialization.load_der_private_key(signer.signing_key.dump(), None)
    return signer


def _outside_any_event_loop(function: Any, *args: Any, **kwargs: Any) -> Any:
    """Call pyHanko's synchronous signing, which runs an event loop of its own: in a thread of
    its own when this thread already runs one (a caller that is itself asynchronous)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args, **kwargs)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args, **kwargs).result()


def ensure_development_seal(folder: str | Path, organisation: str) -> tuple[str, str]:
    """A self-signed key and certificate for ``organisation`` in ``folder/seal/`` (RSA 3072,
    valid ten years, for signing only), made when missing; the paths of the key and the
    certificate. Existing files are never overwritten: a certificate is made for a key that
    is there, and a certificate without its key is refused (RuntimeError)."""
    seal = Path(folder) / "seal"
    seal.mkdir(parents=True, exist_ok=True)
    key_path, cert_path = seal / DEVELOPMENT_KEY, seal / DEVELOPMENT_CERT
    if cert_path.exists() and not key_path.exists():
        raise RuntimeError(f"{cert_path} is there without its key {key_path}")
    if not key_path.exists():
        pem = rsa.generate_private_key(public_exponent=65537, key_size=3072).private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        _write_new(key_path, pem, mode=0o600)
    if not cert_path.exists():
        existing = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
        if not isinstance(existing, rsa.RSAPrivateKey):
            raise RuntimeError(f"{key_path} is not an RSA key")
        certificate = _self_signed(existing, organisation)
        _write_new(cert_path, certificate.public_bytes(serialization.Encoding.PEM), mode=0o644)
    return str(key_path), str(cert_path)


def _write_new(path: Path, data: bytes, *, mode: int) -> None:
    """Write a file that does not exist yet, whole or not at all: when two processes make it at
    once, the first one's stays."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".new-")
    try:
        os.fchmod(handle, mode)
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
    finally:
        os.unlink(temporary)


def _self_signed(key: rsa.RSAPrivateKey, organisation: str) -> x509.Certificate:
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, organisation[:64] or "Consortium"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation[:64] or "Consortium"),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "Development seal"),
        ]
    )
    now = datetime.now(UTC)
    public_key = key.public_key()
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=365 * CERTIFICATE_YEARS + 2))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .sign(key, hashes.SHA256())
    )


def seal_settings(app: Flask) -> tuple[str, str, bytes | None]:
    """The seal's key path, certificate path and passphrase from the configuration
    (AGREEMENT_SEAL_KEY, AGREEMENT_SEAL_CERT, AGREEMENT_SEAL_PASSPHRASE); in development and
    testing without them, the development seal in the instance folder. A RuntimeError in
    production without them."""
    key_path = app.config.get("AGREEMENT_SEAL_KEY") or ""
    cert_path = app.config.get("AGREEMENT_SEAL_CERT") or ""
    passphrase = app.config.get("AGREEMENT_SEAL_PASSPHRASE") or None
    if isinstance(passphrase, str):
        passphrase = passphrase.encode("utf-8")
    if key_path and cert_path:
        return str(key_path), str(cert_path), passphrase
    if app.config.get("CONSORTIUM_ENV") in ("development", "testing") and not (
        key_path or cert_path
    ):
        key_path, cert_path = ensure_development_seal(app.instance_path, _association_name(app))
        return key_path, cert_path, None
    raise RuntimeError(
        "Agreement PDFs are sealed with the association's key and certificate: set "
        "AGREEMENT_SEAL_KEY and AGREEMENT_SEAL_CERT to their PEM files (and "
        "AGREEMENT_SEAL_PASSPHRASE if the key has a passphrase)."
    )


def _association_name(app: Flask) -> str:
    """The association's name as its settings give it, for the development certificate."""
    from flask import has_app_context

    from consortium.settings.services import get_settings

    try:
        if has_app_context():
            # Not a context of its own: ending one would close the current request's session.
            return str(get_settings().name) or "Consortium"
        with app.app_context():
            return str(get_settings().name) or "Consortium"
    except Exception:  # a database not made yet still gets a development seal
        return "Consortium"


@dataclass(frozen=True)
class SealCheck:
    """What a sealed PDF says about itself.

    ``sealed``: a signature is there; ``intact``: the signed bytes are unchanged and cover the
    whole file; ``trusted``: the signer's certificate is the trusted one given (False when none
    is given); ``problem``: why not, in plain words, empty when all holds (trust only counts
    when a trusted certificate is given)."""

    sealed: bool
    intact: bool
    trusted: bool
    signer: str
    signed_at: datetime | None
    document_number: str
    version_label: str
    problem: str

    @property
    def holds(self) -> bool:
        """Sealed, intact and by the trusted certificate."""
        return self.sealed and self.intact and self.trusted


def verify_seal(pdf: bytes, *, trusted_cert_path: str | None = None) -> SealCheck:
    """Whether the PDF carries a seal, whether the seal holds over the whole file, whether it
    was made with the trusted certificate, and which document and version it names. Any bytes
    give an answer, never an exception."""
    try:
        return _verify(pdf, trusted_cert_path)
    except Exception:  # a file of any kind gets an answer, not an error
        return _unsealed(_("The file is not a PDF that can be read."))


def _unsealed(problem: str) -> SealCheck:
    return SealCheck(False, False, False, "", None, "", "", problem)


def _verify(pdf: bytes, trusted_cert_path: str | None) -> SealCheck:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import SignatureCoverageLevel, validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    if pdf.lstrip()[:5] != b"%PDF-":
        return _unsealed(_("The file is not a PDF."))
    trusted_der: bytes | None = None
    if trusted_cert_path is not None:
        trusted_der = _certificate_der(trusted_cert_path)
        if trusted_der is None:
            return _unsealed(_("The trusted certificate cannot be read."))
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = reader.embedded_regular_signatures
    except Exception:  # a broken or truncated file
        if b"/ByteRange" in pdf:
            # It had a signature once: damaged or changed since, it no longer holds.
            return replace(
                _unsealed(
                    _("The PDF has been changed since it was sealed: the seal does not hold.")
                ),
                sealed=True,
            )
        return _unsealed(_("The file is not a PDF that can be read."))
    if not signatures:
        return _unsealed(_("The PDF carries no seal."))
    # The association's seal is the first signature; a later one (a reader's own) is another
    # revision, which the seal then does not cover.
    signature = signatures[0]
    number, version = _identity(reader, signature.signed_revision)
    unreadable = SealCheck(True, False, False, "", None, number, version, "")
    try:
        signer = _signer_name(signature.signer_cert)
        signed_at = signature.self_reported_timestamp
    except Exception:  # a signature whose data cannot be read does not hold
        return replace(unreadable, problem=_("The seal cannot be read."))
    unreadable = replace(unreadable, signer=signer, signed_at=signed_at)
    try:
        # Without a trusted certificate only the seal's integrity is asked: its own certificate
        # stands in as the root, so that building a path to nowhere logs no error.
        root = _asn1_certificate(trusted_der) if trusted_der is not None else signature.signer_cert
        context = ValidationContext(trust_roots=[root], allow_fetching=False)
        status = validate_pdf_signature(signature, context, skip_diff=True)
    except Exception:  # as above
        return replace(unreadable, problem=_("The seal cannot be read."))
    whole_file = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    intact = bool(status.intact and status.valid and whole_file)
    trusted = bool(
        trusted_der is not None
        and status.intact
        and status.valid
        and status.trusted
        and signature.signer_cert.dump() == trusted_der
    )
    if not (status.intact and status.valid):
        problem = _("The PDF has been changed since it was sealed: the seal does not hold.")
    elif not whole_file:
        problem = _(
            "The PDF has been changed after it was sealed: the seal does not cover the whole file."
        )
    elif trusted_der is not None and not trusted:
        problem = _("The seal was not made with the association's certificate.")
    else:
        problem = ""
    return SealCheck(True, intact, trusted, signer, signed_at, number, version, str(problem))


def _certificate_der(path: str) -> bytes | None:
    """A certificate file (PEM or DER) as DER, or None when it is not one."""
    try:
        data = Path(path).read_bytes()
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_certificate(data).public_bytes(serialization.Encoding.DER)
        return x509.load_der_x509_certificate(data).public_bytes(serialization.Encoding.DER)
    except (OSError, ValueError):
        return None


def _asn1_certificate(der: bytes) -> Any:
    from asn1crypto import x509 as asn1_x509

    return asn1_x509.Certificate.load(der)


def _signer_name(certificate: Any) -> str:
    """The signer's common name, or its whole subject when it has none."""
    subject = certificate.subject
    name = subject.native.get("common_name") if hasattr(subject, "native") else None
    return str(name or subject.human_friendly)


def _identity(reader: Any, revision: int) -> tuple[str, str]:
    """The document number and the template version in the XMP metadata of the signed
    revision (what a later revision says is not sealed)."""
    try:
        metadata = reader.get_historical_resolver(revision).root.get("/Metadata")
        if metadata is None:
            return "", ""
        return document_identity(bytes(metadata.get_object().data))
    except Exception:  # metadata that cannot be read names nothing
        return "", ""


def main(argv: list[str] | None = None) -> int:
    """`python -m consortium.agreements.sealing FOLDER NAME`: a self-signed seal for a trial of
    production (`make serve`), made in FOLDER/seal/ when missing, and the two settings that name
    it. A real association's seal is a certificate from a trust service."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m consortium.agreements.sealing",
        description="Make a self-signed seal for agreement PDFs (for a trial) and print the "
        "settings that name it.",
    )
    parser.add_argument("folder", type=Path, help="where the seal/ folder is made")
    parser.add_argument("name", help="the association's name, as the certificate gives it")
    arguments = parser.parse_args(argv)
    key_path, cert_path = ensure_development_seal(arguments.folder.resolve(), arguments.name)
    print(f"AGREEMENT_SEAL_KEY={key_path}")
    print(f"AGREEMENT_SEAL_CERT={cert_path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
