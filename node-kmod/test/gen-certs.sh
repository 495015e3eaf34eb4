#!/bin/sh
# Generates the test PKI into $1: a CA per trust domain (td-a, td-b, td-c) and X509-SVIDs (EC P-256).
#   td-a/client  td-a/expired (validity ended 2020)  td-b/server  td-c/server
#   td-b/via-int: issued by td-b-int (an intermediate under td-b's root); its .crt carries the intermediate
# Each SVID is <dir>/svids-<node>/<name>.crt + .key; each CA is <dir>/<td>.ca.pem.
set -eu
OUT=$1
mkdir -p "$OUT"
cd "$OUT"
cat > ca.cnf <<'CNF'
[ ca ]
default_ca = the_ca
[ the_ca ]
dir = .
database = $dir/index.txt
new_certs_dir = $dir/newcerts
serial = $dir/serial
default_md = sha256
policy = any
copy_extensions = none
unique_subject = no
[ any ]
commonName = optional
[ svid ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyAgreement
extendedKeyUsage = serverAuth, clientAuth
subjectAltName = $ENV::SAN
[ root ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ intermediate ]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
subjectAltName = $ENV::SAN
CNF
mkdir -p newcerts
: > index.txt
echo 1000 > serial
ec() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
for td in td-a td-b td-c; do
  ec "$td.ca.key"
  SAN="URI:spiffe://$td" openssl req -new -x509 -key "$td.ca.key" -subj "/CN=$td CA" -days 3650 \
    -config ca.cnf -extensions root -out "$td.ca.pem" 2>/dev/null
done
svid() { # node td path start end
  mkdir -p "svids-$1"
  ec "svids-$1/$3.key"
  openssl req -new -key "svids-$1/$3.key" -subj "/CN=$3" -out "$3.csr" 2>/dev/null
  SAN="URI:spiffe://$2/$3" openssl ca -batch -config ca.cnf -extensions svid -cert "$2.ca.pem" \
    -keyfile "$2.ca.key" -startdate "$4" -enddate "$5" -in "$3.csr" -out "svids-$1/$3.crt" -notext 2>/dev/null
  chmod 600 "svids-$1/$3.key"
}
svid a td-a client 20250101000000Z 20351231000000Z
svid a td-a expired 20200101000000Z 20200102000000Z
svid b td-b server 20250101000000Z 20351231000000Z
svid c td-c server 20250101000000Z 20351231000000Z
# an intermediate CA of td-b and an SVID it issues (kept outside the guest's SVID directories)
ec td-b-int.key
openssl req -new -key td-b-int.key -subj "/CN=td-b intermediate" -out int.csr 2>/dev/null
SAN="URI:spiffe://td-b" openssl ca -batch -config ca.cnf -extensions intermediate -cert td-b.ca.pem -keyfile td-b.ca.key \
  -startdate 20250101000000Z -enddate 20351231000000Z -in int.csr -out td-b-int.pem -notext 2>/dev/null
mkdir -p svids-b-int
ec svids-b-int/via-int.key
openssl req -new -key svids-b-int/via-int.key -subj "/CN=via-int" -out via.csr 2>/dev/null
SAN="URI:spiffe://td-b/via-int" openssl ca -batch -config ca.cnf -extensions svid -cert td-b-int.pem -keyfile td-b-int.key \
  -startdate 20250101000000Z -enddate 20351231000000Z -in via.csr -out svids-b-int/via-int.leaf -notext 2>/dev/null
cat svids-b-int/via-int.leaf td-b-int.pem > svids-b-int/via-int.crt
rm -f svids-b-int/via-int.leaf
chmod 600 svids-b-int/via-int.key
rm -f ./*.csr
