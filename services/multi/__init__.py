"""Several accounts at once: the accounts a driver signed in to (``accounts``), one merged
provider over them (``merged``), and what each account charges for a typical session
(``pricing``, ``offers``)."""
