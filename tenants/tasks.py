from celery import shared_task

from tenants import schemas


@shared_task
def refill_spare_pool() -> int:
    """Runs in the public schema: spare schemas belong to no tenant yet."""
    return schemas.refill_spare_pool()
