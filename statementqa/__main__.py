import sys

from statementqa.cli import main

sys.exit(main())
