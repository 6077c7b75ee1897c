"""School settings: what can be configured and the defaults."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import time

BANK_HOLIDAY_REGIONS = {
    "ENG": "England and Wales",
    "SCT": "Scotland",
    "NIR": "Northern Ireland",
}

# What each setting is called where people change it: messages name settings by these.
LABELS = {
    "idle_lock_minutes": "Lock after no use for",
    "backup_dir": "Backup folder",
    "backups_kept": "Backups kept",
    "backups_daily": "Backups kept: days",
    "backups_weekly": "Backups kept: weeks",
    "backups_monthly": "Backups kept: months",
    "immediate_minutes": "Immediate risk: act within",
    "urgent_minutes": "Urgent: act within",
    "routine_school_days": "Routine: act within",
    "referral_chase_working_days": "Chase a referral decision after",
    "transfer_receipt_school_days": "Confirm a file transfer within",
    "intervention_review_school_days": "Review a physical intervention within",
    "serious_behaviour_review_school_days": "Review a high-severity incident within",
    "behaviour_review_school_days": "Review any other incident within",
    "school_day_start": "The school day starts at",
    "bank_holidays_region": "Bank holidays of",
    "repeat_interventions": "Vulnerable after this many physical interventions",
    "repeat_interventions_days": "Counting physical interventions over the last",
    "dsl_training_months": "DSL training is refreshed every",
    "staff_update_months": "Whole-staff safeguarding update every",
    "attachment_limit_mb": "Largest attachment",
}


def label(name: str) -> str:
    """The name people see for a setting (the internal one only if it has none)."""
    return LABELS.get(name, name)


def _clock_time(text: str) -> time | None:
    try:
        hours, minutes = (int(part) for part in text.strip().split(":"))
        return time(hours, minutes)
    except ValueError:
        return None


@dataclass(frozen=True)
class Settings:
    idle_lock_minutes: int = 5
    backup_dir: str = ""  # empty: the data folder's own backups/ folder
    backups_kept: int = 30  # no longer used: backups are kept by the three numbers below
    # Grandfather-father-son: the newest backup of each of so many days, weeks and months.
    backups_daily: int = 7
    backups_weekly: int = 4
    backups_monthly: int = 12
    # Time-to-action targets (the design's defaults).
    immediate_minutes: int = 60
    urgent_minutes: int = 240
    routine_school_days: int = 1
    referral_chase_working_days: int = 1
    transfer_receipt_school_days: int = 5
    # Leaders' review of behaviour records, in school days from recording.
    intervention_review_school_days: int = 1
    serious_behaviour_review_school_days: int = 1  # incidents of the highest severity
    behaviour_review_school_days: int = 3  # every other incident
    school_day_start: str = "08:30"
    bank_holidays_region: str = "ENG"  # ENG (England and Wales), SCT, NIR
    # A pupil with this many physical interventions in so many days needs a risk assessment.
    repeat_interventions: int = 3
    repeat_interventions_days: int = 180
    # KCSIE: DSL training every two years; every member of staff an update at least yearly.
    dsl_training_months: int = 24
    staff_update_months: int = 12
    attachment_limit_mb: int = 20

    def problems(self) -> dict[str, str]:
        found = {}
        if not 1 <= self.idle_lock_minutes <= 120:
            found["idle_lock_minutes"] = "must be between 1 and 120 minutes"
        if not 1 <= self.backups_kept <= 1000:
            found["backups_kept"] = "must be between 1 and 1000"
        if not 1 <= self.backups_daily <= 366:
            found["backups_daily"] = "must be between 1 and 366 days"
        if not 0 <= self.backups_weekly <= 520:
            found["backups_weekly"] = "must be between 0 and 520 weeks"
        if not 0 <= self.backups_monthly <= 240:
            found["backups_monthly"] = "must be between 0 and 240 months"
        if not 5 <= self.immediate_minutes <= 24 * 60:
            found["immediate_minutes"] = "must be between 5 minutes and 24 hours"
        if not 15 <= self.urgent_minutes <= 7 * 24 * 60:
            found["urgent_minutes"] = "must be between 15 minutes and 7 days"
        if not 1 <= self.routine_school_days <= 10:
            found["routine_school_days"] = "must be between 1 and 10 school days"
        if not 1 <= self.referral_chase_working_days <= 20:
            found["referral_chase_working_days"] = "must be between 1 and 20 working days"
        if not 1 <= self.transfer_receipt_school_days <= 30:
            found["transfer_receipt_school_days"] = "must be between 1 and 30 school days"
        for name in (
            "intervention_review_school_days",
            "serious_behaviour_review_school_days",
            "behaviour_review_school_days",
        ):
            if not 1 <= getattr(self, name) <= 20:
                found[name] = "must be between 1 and 20 school days"
        if not 1 <= self.repeat_interventions <= 50:
            found["repeat_interventions"] = "must be between 1 and 50 interventions"
        if not 7 <= self.repeat_interventions_days <= 730:
            found["repeat_interventions_days"] = "must be between 7 and 730 days"
        if not 1 <= self.dsl_training_months <= 60:
            found["dsl_training_months"] = "must be between 1 and 60 months"
        if not 1 <= self.staff_update_months <= 36:
            found["staff_update_months"] = "must be between 1 and 36 months"
        if not 1 <= self.attachment_limit_mb <= 100:
            found["attachment_limit_mb"] = "must be between 1 and 100 MB"
        if _clock_time(self.school_day_start) is None:
            found["school_day_start"] = "must be a time like 08:30"
        if self.bank_holidays_region not in BANK_HOLIDAY_REGIONS:
            found["bank_holidays_region"] = "must be one of " + ", ".join(BANK_HOLIDAY_REGIONS)
        return found

    @classmethod
    def from_stored(cls, stored: dict[str, str]) -> Settings:
        values: dict[str, object] = {}
        for f in fields(cls):
            if f.name in stored:
                default = getattr(cls(), f.name)
                try:
                    values[f.name] = type(default)(stored[f.name])
                except ValueError:
                    continue  # an unreadable value falls back to its default
        return cls(**values)  # type: ignore[arg-type]

    @property
    def day_start(self) -> time:
        return _clock_time(self.school_day_start) or time(8, 30)

    def to_stored(self) -> dict[str, str]:
        return {f.name: str(getattr(self, f.name)) for f in fields(self)}
