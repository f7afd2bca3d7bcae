#!/bin/sh
echo "schema engine binary unavailable offline: use npm run db:migrate" >&2
exit 1
