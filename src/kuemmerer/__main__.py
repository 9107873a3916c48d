from kuemmerer.ui.app import main

raise SystemExit(main())
