from celery import shared_task

from aigen.services import generation_job_run, generation_jobs_resume


@shared_task(name="aigen.generation_job_run", acks_late=True)
def generation_job_run_task(job_id: int) -> str:
    """Write a generation job's questions. Safe to redeliver or run twice: the service resumes
    from what is saved and never saves an item twice."""
    return generation_job_run(job_id=job_id).status


@shared_task(name="aigen.generation_jobs_resume")
def generation_jobs_resume_task() -> list[int]:
    """On beat, every minute: queue again the stalled jobs (their worker was lost)."""
    return generation_jobs_resume()
