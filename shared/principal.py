"""Who is calling: the roles and the principal a token names (contract §2).

Kept apart from `shared.auth` (which reads tokens from Flask requests) so that use cases can
take a principal without importing the web layer.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.vocabulary import ROLES  # noqa: F401 (the roles are defined with every vocabulary)


@dataclass(frozen=True)
class Principal:
    """Who is calling: the token's claims."""

    sub: str
    role: str
    districts: tuple[str, ...] = ()
    provider_id: str | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def covers_district(self, district_code: str | None) -> bool:
        """True when the caller may see records of this district (admins see all)."""
        return self.is_admin or (district_code is not None and district_code in self.districts)
