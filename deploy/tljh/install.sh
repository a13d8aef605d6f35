#!/usr/bin/env bash
# hemaedu on The Littlest JupyterHub (one Ubuntu server, up to the class size
# in deploy/README.md "Sizing"). Run as root on the server, from a checkout of
# this repository placed at /srv/hemaedu:
#
#   sudo git clone https://github.com/hemaedu/hemaedu /srv/hemaedu
#   sudo bash /srv/hemaedu/deploy/tljh/install.sh <admin-user-name>
#
# Safe to run again after `git pull` (it reinstalls and reloads the hub).
set -euo pipefail
ADMIN="${1:?usage: install.sh <admin-user-name>}"
COURSE=/srv/hemaedu
TLJH=/opt/tljh

# 1. The Littlest JupyterHub itself (skipped when already installed).
if [ ! -x "$TLJH/hub/bin/tljh-config" ]; then
    curl -L https://tljh.jupyter.org/bootstrap.py | python3 - --admin "$ADMIN"
fi

# 2. The course package, Voila and JupyterLab in the students' environment,
#    plus the Voila settings postBuild installs on Binder (offline template).
"$TLJH/user/bin/python" -m pip install --no-cache-dir "$COURSE[lab]"
mkdir -p "$TLJH/user/etc/jupyter"
cp "$COURSE/voila.json" "$TLJH/user/etc/jupyter/voila.json"

# 3. The class settings: deploy/hemaedu_hub.py reads hub_settings.yaml next to
#    it (default page, memory/CPU limits, idle culler, spawn limits). TLJH loads
#    every file in jupyterhub_config.d after its own settings, so ours win.
install -m 644 "$COURSE/deploy/hemaedu_hub.py" "$COURSE/deploy/hub_settings.yaml" \
    "$TLJH/config/jupyterhub_config.d/"
# Every student's server opens on the shared, read-only course checkout, so the
# default page (notebooks/00_start_here.ipynb) exists for everyone. Voila only
# reads the notebooks; for JupyterLab with students' own copies use nbgitpuller.
cat > "$TLJH/config/jupyterhub_config.d/hemaedu_course_dir.py" <<PY
c.Spawner.notebook_dir = "$COURSE"
PY

# 4. Reload the hub with the new settings.
"$TLJH/hub/bin/tljh-config" reload hub
echo "hemaedu is installed: students log in at http://<this server>/ and land in lesson 00 (Voila)."
