# shellcheck shell=bash
# PostgreSQL for the ledger tests: installs Debian's postgresql (bookworm: 15) if missing, starts the cluster, creates
# the role and database, and exports CDS_TEST_POSTGRES for the tests. Idempotent. Meant to be sourced by .ci/run
# (as root, which CI is); a developer can source it too. It never exits the calling shell: on failure it says why and
# leaves CDS_TEST_POSTGRES unset (the PostgreSQL tests then fail in CI and are skipped elsewhere).

cds_postgres_setup() {
  local role=cds_test password=cds_test database=cds_test
  if [ -n "${CDS_TEST_POSTGRES:-}" ]; then
    echo "postgres: using CDS_TEST_POSTGRES from the environment" >&2
    return 0
  fi

  if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
    echo "postgres: installing postgresql" >&2
    if [ "$(id -u)" -ne 0 ]; then
      echo "postgres: not root; cannot apt-get install postgresql" >&2
      return 1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null \
      && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null \
      || { echo "postgres: apt-get install postgresql failed" >&2; return 1; }
  fi

  local version
  version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
  if ! pg_lsclusters -h 2>/dev/null | awk -v v="$version" '$1 == v && $2 == "main" { found = 1 } END { exit !found }'; then
    pg_createcluster "$version" main >/dev/null || { echo "postgres: pg_createcluster $version main failed" >&2; return 1; }
  fi

  if ! pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" && $4 == "online" { found = 1 } END { exit !found }'; then
    pg_ctlcluster "$version" main start || service postgresql start || { echo "postgres: could not start cluster $version/main" >&2; return 1; }
  fi

  local port
  port=$(pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" { print $3 }')
  local i
  for i in $(seq 1 30); do
    pg_isready -q -h 127.0.0.1 -p "$port" && break
    sleep 1
  done
  pg_isready -q -h 127.0.0.1 -p "$port" || { echo "postgres: not ready on 127.0.0.1:$port" >&2; return 1; }

  # Role and database, created once; the password is reset each time so the connection string below always works.
  runuser -u postgres -- psql -q -p "$port" -v ON_ERROR_STOP=1 >/dev/null <<SQL || { echo "postgres: could not create role/database" >&2; return 1; }
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$role') THEN
    CREATE ROLE $role LOGIN PASSWORD '$password';
  ELSE
    ALTER ROLE $role LOGIN PASSWORD '$password';
  END IF;
END
\$\$;
SELECT 'CREATE DATABASE $database OWNER $role'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$database')\gexec
SQL

  export CDS_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=$role;Password=$password;Database=$database"
  echo "postgres: PostgreSQL $version on 127.0.0.1:$port, database $database (CDS_TEST_POSTGRES set)" >&2
}

cds_postgres_setup || true
