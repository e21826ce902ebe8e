from foggymountain.cli import main

raise SystemExit(main())
