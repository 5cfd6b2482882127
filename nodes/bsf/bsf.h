/* bsf.h: the Bootstrapping Server Function of GBA (TS 33.220 §4.2.1, §4.5), the home network's
 * end of Ub and Zn.
 *
 * Ub (TS 33.220 §4.5.2, TS 24.109 §4, RFC 3310), plain HTTP on `port` (80): a UE asks with its IMPI,
 * the BSF fetches one AKA vector and the GBA user security settings (GUSS) from the HSS over Zh
 * (TS 29.109 §4.1, MAR/MAA), challenges the UE with Digest AKAv1-MD5, resynchronises on an AUTS,
 * and on a right response makes Ks = CK || IK, the B-TID base64(RAND)@<BSF host name> and a key
 * lifetime min(`key-lifetime`, GUSS lifetime), answered as a BootstrappingInfo document.
 * Zn (TS 33.220 §4.5.3, TS 29.109 §4.2), Diameter on TCP 3868: an Authentication Proxy (NAF) gives a
 * B-TID and its NAF-Id and gets Ks_NAF, the expiry, the bootstrap time, the IMPI and the GUSS
 * filtered to its service; NAFs outside `nafs` (when set) are refused.
 * Keys: hss, key-lifetime, nafs, port. Events "gba-bootstrap" and "zn-answer".
 * Not done: GBA_U (GBA-Type ME only), qop=auth-int on Ub (TS 24.109 asks it; we use qop=auth),
 * Zn-Proxy (visited NAFs), several vectors per MAR, TLS on Ub.
 */
#pragma once
#include "nodes/node-kind.h"

extern const SimNodeKind sim_node_kind_bsf;
