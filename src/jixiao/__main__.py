import gc

gc.disable()  # before the imports: cli.main explains why, and resumes collecting
from jixiao.cli import main  # noqa: E402

main()
