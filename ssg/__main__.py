from ssg.cli import main

raise SystemExit(main())
