"""Letters as sent: generated once at the transition that sends them, stored with their
SHA-256, never regenerated. The audit entry of that transition records the hash."""
import hashlib
from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from casework.persistence import Base, UTCDateTime


class Letter(Base):
    __tablename__ = "letters"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    filename: Mapped[str] = mapped_column(String(120))
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    trigger: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    def verify(self) -> bool:
        """True when the stored bytes still match the hash recorded when it was sent."""
        return hashlib.sha256(self.pdf).hexdigest() == self.sha256
