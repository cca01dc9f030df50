"""Other apps add their own fields to the visit form, saved in the same submission.

The visit page is one form: the outcome buttons submit it, with the observations and whatever
the registered extensions add (the harm-reduction app: the material given out). An extension is
an object with:

- ``name``: a short identifier, also the prefix of its form's fields;
- ``template``: a partial rendered inside the visit form with ``form`` (its form) and ``visit``;
- ``is_available(user) -> bool``: whether to offer it to this user;
- ``get_form(*, visit, user, data, prefix)``: a form (or formset) bound to ``data`` (None on GET).
  It must be valid when left empty, so that one tap still records "seen, nothing to report";
- ``save(form, *, visit, user)``: called after the visit is saved, **inside the same
  transaction**: raise ``ValidationError`` (e.g. not enough stock) and nothing is saved — neither
  the visit nor any extension — and the page shows the message on the extension's form. ``visit``
  has its outcome: an extension may ignore a visit where the person was not met.
- optionally ``summary(form, *, visit) -> list[str]``: what the submission recorded (short
  French phrases), listed in the confirmation message.

Register one instance from the app's AppConfig.ready() (a core.registry.Registry: the same
name registered again replaces the earlier one)::

    from visits import extensions

    extensions.registry.register(MaterialGivenOut())

`VisitExtension` below is a convenient base class; any object with these members will do.
"""

from dataclasses import dataclass, field

from core.registry import Registry

registry: Registry = Registry("visit form extensions")


class VisitExtension:
    name = ""
    template = ""

    def is_available(self, user) -> bool:
        return True

    def get_form(self, *, visit, user, data, prefix):
        raise NotImplementedError

    def save(self, form, *, visit, user) -> None:
        raise NotImplementedError


@dataclass
class BoundExtension:
    extension: object
    form: object
    errors: list[str] = field(default_factory=list)  # from save(): shown with the form

    @property
    def template(self) -> str:
        return self.extension.template


def summaries(bound: list[BoundExtension], *, visit) -> list[str]:
    """What the extensions recorded with `visit`, for the confirmation message."""
    recorded = []
    for item in bound:
        summary = getattr(item.extension, "summary", None)
        if summary is not None:
            recorded.extend(summary(item.form, visit=visit))
    return recorded


def bind(*, visit, user, data=None) -> list[BoundExtension]:
    """The extensions offered to `user`, each with its form for `visit`."""
    return [
        BoundExtension(
            extension,
            extension.get_form(visit=visit, user=user, data=data, prefix=extension.name),
        )
        for extension in registry
        if extension.is_available(user)
    ]
