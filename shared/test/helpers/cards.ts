import type { ForeignPermanentCard, ResidencePermit, ResidentCard } from '../../src/idcard/card.ts';

// Synthetic cards (the published example ID number; no real person).
export const resident: ResidentCard = {
  type: 'resident',
  name: '王秀英',
  sex: 'female',
  sexCode: '2',
  nationCode: '01',
  nation: '汉',
  birthDate: '1949-12-31',
  address: '北京市东城区景山前街4号院',
  idNumber: '11010519491231002X',
  issuer: '北京市公安局东城分局',
  validFrom: '2010-01-01',
  validTo: 'long-term',
};

export const permit: ResidencePermit = {
  type: 'residence-permit',
  name: '陈大文',
  sex: 'male',
  sexCode: '1',
  birthDate: '1980-05-01',
  address: '广东省深圳市福田区福华路1号',
  idNumber: '810000198005010011',
  issuer: '深圳市公安局',
  validFrom: '2019-01-01',
  validTo: '2024-01-01',
  passNumber: 'H12345678',
  issueCount: 1,
};

export const foreigner: ForeignPermanentCard = {
  type: 'foreign-permanent',
  englishName: 'SMITH, JOHN',
  chineseName: '史密斯',
  sex: 'male',
  sexCode: '1',
  idNumber: 'USA110079010105',
  nationality: 'USA',
  birthDate: '1979-01-01',
  validFrom: '2017-06-01',
  validTo: '2027-06-01',
  cardVersion: '1',
  issuer: '1100',
  typeLetter: 'I',
};
