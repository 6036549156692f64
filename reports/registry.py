"""The kinds of export that can be made as a job (reports.jobs): each kind's producer, who may have
it, its label and its formats. Apart from reports.jobs so that the job model can name its kind
(ExportJob.kind_label) without importing the services that use the model."""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from core.exceptions import ApplicationError
from reports.choices import ExportFormat

Producer = Callable[..., str]


@dataclass(frozen=True)
class Registration:
    kind: str
    producer: Producer
    authorize: Callable | None = None
    label: object = ""
    formats: frozenset[str] = frozenset({ExportFormat.CSV, ExportFormat.CSV_SEMICOLON, ExportFormat.XLSX})


_registry: dict[str, Registration] = {}


def register(
    kind: str,
    producer: Producer,
    *,
    authorize: Callable | None = None,
    label="",
    formats=(ExportFormat.CSV, ExportFormat.CSV_SEMICOLON, ExportFormat.XLSX),
) -> None:
    """Register the producer of a kind of export. `authorize(user, params)` (optional) raises
    core.exceptions.NotAllowed when the user may not have it; it runs when the job is started.
    `label` (lazy translatable) names the kind on the job pages; `formats` are those it makes.
    Registering a kind again replaces it (module reloads in tests)."""
    _registry[kind] = Registration(kind, producer, authorize, label, frozenset(formats))


def kind_label(kind: str) -> str:
    entry = _registry.get(kind)
    return str(entry.label) if entry and entry.label else kind


def registration(kind: str) -> Registration:
    try:
        return _registry[kind]
    except KeyError:
        raise ApplicationError(_("There is no export of this kind.")) from None
