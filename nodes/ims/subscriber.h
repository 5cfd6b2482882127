/* subscriber.h: IMS subscriptions, the [subscriber.NAME] records of a scenario.
 *
 * One record holds what the home network's HSS and the user's ISIM share (TS 33.203 §6.1, TS 33.102
 * §6.3): the private identity (IMPI), the public identities (IMPUs; pseudonym IMPUs marked, seed 003),
 * the long-term key K, OP or OPc, AMF and the HSS's sequence number. A UE names its record with
 * `subscriber = NAME`, and may override K or SQN_MS on its side to model a wrong key or a lost sync.
 */
#pragma once
#include "nodes/node-kind.h"

extern const SimRecordKind sim_record_subscriber;
