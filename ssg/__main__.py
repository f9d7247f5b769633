from ssg.cli import run

run()
