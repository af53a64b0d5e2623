from ops.services.backups import (
    backup_create,
    backup_media_create,
    backup_prune,
    backup_status_read,
    backup_status_record,
    backup_take_daily,
    backups_to_keep,
)

__all__ = [
    "backup_create",
    "backup_media_create",
    "backup_prune",
    "backup_status_read",
    "backup_status_record",
    "backup_take_daily",
    "backups_to_keep",
]
