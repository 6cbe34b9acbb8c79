/*  probe/snmp/oids.c: what a poll reads. The scalars of the system group
    and UCD (load, memory), then the columns walked: IF-MIB and ifXTable,
    HOST-RESOURCES processors and storage, LLDP-MIB and CISCO-CDP-MIB
    neighbours, IP-MIB's ARP and neighbour tables. Numeric OIDs only: the probe loads no MIB.               */
#include "device.h"

const scalar_oid_t oids_scalars [S_STANDARD] = {
    { { 1,3,6,1,2,1,1,1,0 }, 9 }, { { 1,3,6,1,2,1,1,2,0 }, 9 }, { { 1,3,6,1,2,1,1,3,0 }, 9 },
    { { 1,3,6,1,2,1,1,4,0 }, 9 }, { { 1,3,6,1,2,1,1,5,0 }, 9 }, { { 1,3,6,1,2,1,1,6,0 }, 9 },
    { { 1,3,6,1,4,1,2021,10,1,3,1 }, 11 }, { { 1,3,6,1,4,1,2021,10,1,3,2 }, 11 },
    { { 1,3,6,1,4,1,2021,10,1,3,3 }, 11 }, { { 1,3,6,1,4,1,2021,4,5,0 }, 10 },
    { { 1,3,6,1,4,1,2021,4,6,0 }, 10 }, { { 1,3,6,1,4,1,2021,4,14,0 }, 10 },
    { { 1,3,6,1,4,1,2021,4,15,0 }, 10 }
};

const column_oid_t oids_columns [C_COLUMNS] = {
    { { 1,3,6,1,2,1,2,2,1,2 }, 10, ASN_OCTET_STR, 1, STATIC },     //  ifDescr
    { { 1,3,6,1,2,1,2,2,1,3 }, 10, ASN_INTEGER, 1, STATIC },       //  ifType
    { { 1,3,6,1,2,1,2,2,1,4 }, 10, ASN_INTEGER, 1, STATIC },       //  ifMtu
    { { 1,3,6,1,2,1,2,2,1,5 }, 10, ASN_GAUGE, 1, STATIC },         //  ifSpeed
    { { 1,3,6,1,2,1,2,2,1,6 }, 10, ASN_OCTET_STR, 1, STATIC },     //  ifPhysAddress
    { { 1,3,6,1,2,1,31,1,1,1,1 }, 11, ASN_OCTET_STR, 1, STATIC },  //  ifName
    { { 1,3,6,1,2,1,31,1,1,1,15 }, 11, ASN_GAUGE, 1, STATIC },     //  ifHighSpeed
    { { 1,3,6,1,2,1,31,1,1,1,18 }, 11, ASN_OCTET_STR, 1, STATIC }, //  ifAlias
    { { 1,3,6,1,2,1,2,2,1,7 }, 10, ASN_INTEGER, 1, 0 },            //  ifAdminStatus
    { { 1,3,6,1,2,1,2,2,1,8 }, 10, ASN_INTEGER, 1, 0 },            //  ifOperStatus
    { { 1,3,6,1,2,1,2,2,1,10 }, 10, ASN_COUNTER, 1, 0 },           //  ifInOctets
    { { 1,3,6,1,2,1,2,2,1,13 }, 10, ASN_COUNTER, 1, 0 },           //  ifInDiscards
    { { 1,3,6,1,2,1,2,2,1,14 }, 10, ASN_COUNTER, 1, 0 },           //  ifInErrors
    { { 1,3,6,1,2,1,2,2,1,16 }, 10, ASN_COUNTER, 1, 0 },           //  ifOutOctets
    { { 1,3,6,1,2,1,2,2,1,19 }, 10, ASN_COUNTER, 1, 0 },           //  ifOutDiscards
    { { 1,3,6,1,2,1,2,2,1,20 }, 10, ASN_COUNTER, 1, 0 },           //  ifOutErrors
    { { 1,3,6,1,2,1,31,1,1,1,6 }, 11, ASN_COUNTER64, 1, 0 },       //  ifHCInOctets
    { { 1,3,6,1,2,1,31,1,1,1,10 }, 11, ASN_COUNTER64, 1, 0 },      //  ifHCOutOctets
    { { 1,3,6,1,2,1,25,3,3,1,2 }, 11, ASN_INTEGER, 1, 0 },         //  hrProcessorLoad
    { { 1,3,6,1,2,1,25,2,3,1,2 }, 11, ASN_OBJECT_ID, 1, STATIC },  //  hrStorageType
    { { 1,3,6,1,2,1,25,2,3,1,3 }, 11, ASN_OCTET_STR, 1, STATIC },  //  hrStorageDescr
    { { 1,3,6,1,2,1,25,2,3,1,4 }, 11, ASN_INTEGER, 1, STATIC },    //  hrStorageAllocationUnits
    { { 1,3,6,1,2,1,25,2,3,1,5 }, 11, ASN_INTEGER, 1, 0 },         //  hrStorageSize
    { { 1,3,6,1,2,1,25,2,3,1,6 }, 11, ASN_INTEGER, 1, 0 },         //  hrStorageUsed
    { { 1,0,8802,1,1,2,1,3,7,1,3 }, 11, ASN_OCTET_STR, 1, STATIC },    //  lldpLocPortId
    { { 1,0,8802,1,1,2,1,3,7,1,4 }, 11, ASN_OCTET_STR, 1, STATIC },    //  lldpLocPortDesc
    { { 1,0,8802,1,1,2,1,4,1,1,4 }, 11, ASN_INTEGER, 3, STATIC },      //  lldpRemChassisIdSubtype
    { { 1,0,8802,1,1,2,1,4,1,1,5 }, 11, ASN_OCTET_STR, 3, STATIC },    //  lldpRemChassisId
    { { 1,0,8802,1,1,2,1,4,1,1,6 }, 11, ASN_INTEGER, 3, STATIC },      //  lldpRemPortIdSubtype
    { { 1,0,8802,1,1,2,1,4,1,1,7 }, 11, ASN_OCTET_STR, 3, STATIC },    //  lldpRemPortId
    { { 1,0,8802,1,1,2,1,4,1,1,8 }, 11, ASN_OCTET_STR, 3, STATIC },    //  lldpRemPortDesc
    { { 1,0,8802,1,1,2,1,4,1,1,9 }, 11, ASN_OCTET_STR, 3, STATIC },    //  lldpRemSysName
    { { 1,0,8802,1,1,2,1,4,2,1,3 }, 11, ASN_INTEGER, 0, STATIC },      //  lldpRemManAddrIfSubtype
    { { 1,3,6,1,4,1,9,9,23,1,2,1,1,4 }, 14, ASN_OCTET_STR, 2, STATIC },    //  cdpCacheAddress
    { { 1,3,6,1,4,1,9,9,23,1,2,1,1,6 }, 14, ASN_OCTET_STR, 2, STATIC },    //  cdpCacheDeviceId
    { { 1,3,6,1,4,1,9,9,23,1,2,1,1,7 }, 14, ASN_OCTET_STR, 2, STATIC },    //  cdpCacheDevicePort
    { { 1,3,6,1,4,1,9,9,23,1,2,1,1,8 }, 14, ASN_OCTET_STR, 2, STATIC },    //  cdpCachePlatform
    { { 1,3,6,1,2,1,4,35,1,4 }, 10, ASN_OCTET_STR, 0, STATIC },    //  ipNetToPhysicalPhysAddress
    { { 1,3,6,1,2,1,4,35,1,6 }, 10, ASN_INTEGER, 0, STATIC },      //  ipNetToPhysicalType
    { { 1,3,6,1,2,1,4,22,1,2 }, 10, ASN_OCTET_STR, 5, STATIC },    //  ipNetToMediaPhysAddress
    { { 1,3,6,1,2,1,4,22,1,4 }, 10, ASN_INTEGER, 5, STATIC }       //  ipNetToMediaType
};

const char *oids_if_states [8] = { "?", "up", "down", "testing", "unknown", "dormant",
                                   "notPresent", "lowerLayerDown" };

const char *oids_rate_names [R_COUNT] = { "in_bps", "out_bps", "in_errors", "out_errors",
                                          "in_discards", "out_discards" };
